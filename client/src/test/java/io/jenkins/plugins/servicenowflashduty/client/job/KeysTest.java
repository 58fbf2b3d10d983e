package io.jenkins.plugins.servicenowflashduty.client.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class KeysTest {
    private static final String FACE = "😀"; // two chars: a surrogate pair

    @Test
    void cutsNeverSplitASurrogatePair() {
        String faces = FACE.repeat(3); // 6 chars
        assertEquals(FACE.repeat(2), Keys.keepStart(faces, 5));
        assertEquals(FACE.repeat(2), Keys.keepStart(faces, 4));
        assertEquals(FACE.repeat(2), Keys.keepEnd(faces, 5));
        assertEquals(FACE.repeat(2), Keys.keepEnd(faces, 4));
        assertEquals("b" + FACE, Keys.keepEnd("a" + "b" + FACE, 3));
        assertEquals(faces, Keys.keepStart(faces, 6));
        assertEquals(faces, Keys.keepEnd(faces, 60));
    }

    @Test
    void longKeysKeepTheirStartAndAHashOfTheWhole() {
        String a = "jenkins:" + "x".repeat(200) + "/a";
        String b = "jenkins:" + "x".repeat(200) + "/b";
        assertEquals(100, Keys.shorten(a, 100).length());
        assertEquals(Keys.shorten(a, 100), Keys.shorten(a, 100));
        assertNotEquals(Keys.shorten(a, 100), Keys.shorten(b, 100));
        assertEquals("jenkins:short", Keys.shorten("jenkins:short", 100));
    }
}
