package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input is refused with one sentence before anything is sent; sizes are cut to Flashduty's limits. */
class AlertEventTest {

    private static String refused(Runnable r) {
        ApiException e = assertThrows(ApiException.class, r::run);
        assertEquals(Problem.INVALID_INPUT, e.problem());
        return e.getMessage();
    }

    @Test
    void statusesParseInAnyCaseAndUnknownOnesAreNamed() {
        assertEquals(EventStatus.CRITICAL, EventStatus.parse("critical"));
        assertEquals(EventStatus.OK, EventStatus.parse(" OK "));
        assertEquals("Warning", EventStatus.parse("WARNING").wire());
        assertEquals("'Fatal' is not a Flashduty event status; use Critical, Warning, Info or Ok.", refused(() -> EventStatus.parse("Fatal")));
        assertTrue(refused(() -> EventStatus.parse(null)).contains("not a Flashduty event status"));
    }

    @Test
    void emptyTitleKeyOrStatusAreRefused() {
        assertEquals("The Flashduty alert title is empty; give the alert a title.",
                refused(() -> AlertEvent.of(EventStatus.INFO, "  ", "", "k", Map.of())));
        assertTrue(refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "", Map.of())).startsWith("The Flashduty alert key is empty"));
        assertTrue(refused(() -> AlertEvent.of(null, "t", "", "k", Map.of())).startsWith("The Flashduty event status is missing"));
    }

    @Test
    void textIsCutToFlashdutysLimitsWithoutSplittingCharacters() {
        AlertEvent e = AlertEvent.of(EventStatus.INFO, "é".repeat(600), "d".repeat(3000), "k", Map.of());
        assertEquals(512, e.title().length());
        assertEquals(2048, e.description().length());
        String emoji = "a" + "😀".repeat(300); // 1 + 600 chars
        AlertEvent cut = AlertEvent.of(EventStatus.INFO, emoji, "", "k", Map.of());
        assertEquals(511, cut.title().length()); // 512 would split a surrogate pair
        assertTrue(Character.isHighSurrogate(cut.title().charAt(509)));
    }

    @Test
    void longKeysStayUniqueAndStable() {
        String a = "jenkins:" + "x".repeat(300) + "a";
        String b = "jenkins:" + "x".repeat(300) + "b";
        String ka = AlertEvent.of(EventStatus.INFO, "t", "", a, Map.of()).alertKey();
        assertEquals(255, ka.length());
        assertEquals(ka, AlertEvent.of(EventStatus.INFO, "t", "", a, Map.of()).alertKey());
        assertNotEquals(ka, AlertEvent.of(EventStatus.INFO, "t", "", b, Map.of()).alertKey());
        assertEquals("short", AlertEvent.of(EventStatus.INFO, "t", "", " short ", Map.of()).alertKey());
    }

    @Test
    void labelValuesMustBeScalars() {
        Map<String, Object> list = new HashMap<>();
        list.put("hosts", List.of("a", "b"));
        assertEquals("Flashduty label 'hosts' must be text, a number or true/false, not a list.",
                refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", list)));
        Map<String, Object> map = new HashMap<>();
        map.put("owner", Map.of("name", "x"));
        assertTrue(refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", map)).endsWith("not a map."));
        Map<String, Object> nul = new HashMap<>();
        nul.put("owner", null);
        assertTrue(refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", nul)).endsWith("not null."));
        Map<String, Object> array = new HashMap<>();
        array.put("ids", new int[] {1});
        assertTrue(refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", array)).endsWith("not a list."));
        Map<String, Object> blank = new HashMap<>();
        blank.put(" ", "v");
        assertEquals("A Flashduty label has an empty name.", refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", blank)));
    }

    @Test
    void tooManyLabelsAreRefusedAndOversizedOnesCut() {
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("l" + i, "v");
        }
        assertEquals("An alert can have at most 50 labels, but 51 were given.",
                refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", many)));
        char[] longName = new char[200];
        Arrays.fill(longName, 'n');
        AlertEvent e = AlertEvent.of(EventStatus.INFO, "t", "", "k", Map.of(new String(longName), "v".repeat(5000), "ünïcode key", "x"));
        assertTrue(e.labels().keySet().stream().allMatch(k -> k.length() <= 128 && k.matches("[A-Za-z_][A-Za-z0-9_]*")), e.labels().keySet().toString());
        assertTrue(e.labels().values().stream().allMatch(v -> v.length() <= 2048));
        assertTrue(e.labels().containsKey("_n_code_key"));
    }

    @Test
    void namesThatCollideAfterNormalisingAreRefused() {
        Map<String, Object> clash = new LinkedHashMap<>();
        clash.put("team-name", "a");
        clash.put("team_name", "b");
        assertEquals("Flashduty labels 'team_name' and another one both become 'team_name'; rename one of them.",
                refused(() -> AlertEvent.of(EventStatus.INFO, "t", "", "k", clash)));
    }
}
