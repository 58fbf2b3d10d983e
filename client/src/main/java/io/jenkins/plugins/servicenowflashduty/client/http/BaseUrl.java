package io.jenkins.plugins.servicenowflashduty.client.http;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** A checked service root such as {@code https://acme.service-now.com}: absolute, no query, no credentials. */
public final class BaseUrl {
    private final URI uri;

    private BaseUrl(URI uri) {
        this.uri = uri;
    }

    /**
     * @param allowPlainHttp whether {@code http://} is acceptable (the local sandbox); otherwise HTTPS is required
     * @throws ApiException with {@link Problem#INVALID_INPUT} and a sentence naming the fix
     */
    public static BaseUrl parse(String text, boolean allowPlainHttp) {
        return parse(text, allowPlainHttp, "https://acme.service-now.com");
    }

    /** {@link #parse(String, boolean)}, with the example its sentences give (a Flashduty URL for Flashduty). */
    public static BaseUrl parse(String text, boolean allowPlainHttp, String example) {
        if (text == null || text.isBlank()) {
            throw invalidInput("The URL is empty; enter the full address, e.g. " + example + ".");
        }
        String trimmed = text.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw invalidInput("'" + safe(trimmed) + "' is not a valid URL; enter the full address, e.g. " + example + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw invalidInput("'" + safe(trimmed) + "' is not a valid URL; enter the full address, e.g. " + example + ".");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalidInput("The URL must not contain a user name or password; use a Jenkins credential instead.");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalidInput("The URL must not contain a query or fragment; enter only the address, e.g. " + example + ".");
        }
        if (scheme.equals("http") && !allowPlainHttp) {
            throw invalidInput("The URL must use https://; plain http:// is only accepted when it is explicitly allowed, e.g. for a local sandbox.");
        }
        return new BaseUrl(uri);
    }

    /** Shows what was typed without anything that looks like credentials. */
    private static String safe(String text) {
        return text.replaceAll("//[^/@]*@", "//***@");
    }

    /** The root joined with an absolute path (which may carry an encoded query). */
    public URI resolve(String pathAndQuery) {
        return URI.create(uri.toString() + pathAndQuery);
    }

    /** A query parameter's name or value, percent-encoded as UTF-8. */
    public static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String host() {
        return uri.getHost();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
