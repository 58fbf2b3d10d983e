package io.jenkins.plugins.servicenowflashduty.simulator.http;

/** Small string rules the simulator applies in several places. */
public final class Text {
    private Text() {
    }

    /** Null, empty or only white space. */
    public static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
