package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.util.Set;

/** The authenticated user a request acts as. */
public record Actor(String userName, String displayName, Set<String> roles) {
    /** The instance itself: seeding, rules and work done on a caller's behalf. */
    static final Actor SYSTEM = new Actor("system", "System", Set.of("admin"));

    public boolean hasAny(String... wanted) {
        if (roles.contains("admin")) {
            return true;
        }
        for (String r : wanted) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }
}
