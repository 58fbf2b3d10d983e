package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BaseUrlAndSecretTest {

    private static String refused(String url, boolean plain) {
        ApiException e = assertThrows(ApiException.class, () -> BaseUrl.parse(url, plain));
        assertEquals(Problem.INVALID_INPUT, e.problem());
        return e.getMessage();
    }

    @Test
    void flashdutyUrlsAreExplainedWithAFlashdutyExample() {
        ApiException e = assertThrows(ApiException.class, () -> BaseUrl.parse("api.flashcat.cloud", false, "https://api.flashcat.cloud"));
        assertEquals("'api.flashcat.cloud' is not a valid URL; enter the full address, e.g. https://api.flashcat.cloud.", e.getMessage());
    }

    @Test
    void acceptsHttpsRootsAndDropsTrailingSlashes() {
        assertEquals("https://acme.service-now.com", BaseUrl.parse(" https://acme.service-now.com// ", false).toString());
        assertEquals("https://support.acme.com/sn", BaseUrl.parse("https://support.acme.com/sn/", false).toString());
        assertEquals("http://127.0.0.1:8089", BaseUrl.parse("http://127.0.0.1:8089", true).toString());
    }

    @Test
    void refusesWhatIsNotAServiceRoot() {
        assertTrue(refused("", false).startsWith("The URL is empty"));
        assertTrue(refused("acme.service-now.com", false).contains("is not a valid URL"));
        assertTrue(refused("ftp://acme", false).contains("is not a valid URL"));
        assertTrue(refused("https://acme.service-now.com?x=1", false).contains("query"));
        assertTrue(refused("http://acme.service-now.com", false).contains("https://"));
    }

    @Test
    void neverEchoesCredentialsFromTheUrl() {
        String m = refused("https://admin:hunter2@acme.service-now.com", false);
        assertFalse(m.contains("hunter2"), m);
        String bad = refused("https://admin:hunter2@acme service-now", false);
        assertFalse(bad.contains("hunter2"), bad);
    }

    @Test
    void secretsNeverShowInText() {
        SecretValue s = SecretValue.of("hunter2");
        assertEquals("****", s.toString());
        assertEquals("hunter2", s.reveal());
        assertFalse(new BasicAuthentication("svc", s).toString().contains("hunter2"));
        assertFalse(HeaderAuthentication.bearer(s).toString().contains("hunter2"));
        assertTrue(SecretValue.of("  ").isBlank());
        assertThrows(ApiException.class, () -> HeaderAuthentication.apiKey(SecretValue.of(" ")));
    }
}
