package io.jenkins.plugins.servicenowflashduty.change;

import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import java.util.LinkedHashMap;
import java.util.Map;

/** A change as the steps return it to Groovy: a plain map of strings. */
final class ChangeResults {
    private ChangeResults() {
    }

    static Map<String, Object> of(ChangeRef c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", c.number());
        m.put("sysId", c.sysId());
        m.put("url", c.url());
        m.put("type", c.type());
        m.put("state", c.state().label());
        m.put("approval", c.approval());
        return m;
    }
}
