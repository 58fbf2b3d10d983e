package io.jenkins.plugins.servicenowflashduty.simulator.fault;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The faults the simulator injects, scriptable from tests ({@link #on}), the command line
 * ({@link #parse}) and its control endpoint. Rules are tried in the order they were added.
 */
public final class FaultPlan {
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();

    /** Starts a rule for requests with this method ({@code *} for any) under this path prefix. */
    public Builder on(String method, String pathPrefix) {
        return new Builder(method, pathPrefix);
    }

    public FaultRule add(FaultRule rule) {
        rules.add(rule);
        return rule;
    }

    public void clear() {
        rules.clear();
    }

    public List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    /** The fault for this request, consuming one use of the first matching rule. */
    public Optional<Fault> claim(String method, String path) {
        for (FaultRule rule : rules) {
            if (rule.claim(method, path)) {
                if (rule.remaining() == 0) {
                    rules.remove(rule);
                }
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }

    /**
     * Parses the command-line form: {@code METHOD PATH [status=N] [retry-after=S] [delay=MS]
     * [stall-body=MS] [drop] [after-processing] [times=N]}, e.g. {@code POST /api/now/table/incident status=503 times=2}.
     */
    public static FaultRule parse(String spec) {
        String[] words = spec.trim().split("\\s+");
        if (words.length < 3) {
            throw new IllegalArgumentException("A fault needs a method, a path and at least one effect, as in 'POST /api/now/table/incident status=503', not '" + spec.trim() + "'.");
        }
        int status = 0;
        int retryAfter = -1;
        long delayMs = 0;
        long stallMs = 0;
        boolean drop = false;
        boolean after = false;
        int times = -1;
        for (int i = 2; i < words.length; i++) {
            String w = words[i].toLowerCase(Locale.ROOT);
            String value = w.contains("=") ? w.substring(w.indexOf('=') + 1) : "";
            try {
                if (w.startsWith("status=")) {
                    status = Integer.parseInt(value);
                } else if (w.startsWith("retry-after=")) {
                    retryAfter = Integer.parseInt(value);
                } else if (w.startsWith("delay=")) {
                    delayMs = Long.parseLong(value.replace("ms", ""));
                } else if (w.startsWith("stall-body=")) {
                    stallMs = Long.parseLong(value.replace("ms", ""));
                } else if (w.startsWith("times=")) {
                    times = Integer.parseInt(value);
                } else if (w.equals("drop")) {
                    drop = true;
                } else if (w.equals("after-processing")) {
                    after = true;
                } else {
                    throw new IllegalArgumentException("Unknown fault word '" + words[i] + "' in '" + spec.trim()
                            + "'; use status=N, retry-after=S, delay=MS, stall-body=MS, drop, after-processing or times=N.");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Not a number in '" + words[i] + "' of '" + spec.trim() + "'.", e);
            }
        }
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("Status must be between 100 and 599 in '" + spec.trim() + "'.");
        }
        return new FaultRule(words[0], words[1], new Fault(status, retryAfter, Duration.ofMillis(delayMs), drop, after,
                Duration.ofMillis(stallMs)), times);
    }

    /** Fluent rule construction for tests. */
    public final class Builder {
        private final String method;
        private final String pathPrefix;
        private int times = -1;
        private boolean afterProcessing;
        private int retryAfter = -1;

        private Builder(String method, String pathPrefix) {
            this.method = method;
            this.pathPrefix = pathPrefix;
        }

        /** Only the next {@code n} matching requests fail; later ones succeed. */
        public Builder times(int n) {
            this.times = n;
            return this;
        }

        /** Let the request take effect, then fail the answer. */
        public Builder afterProcessing() {
            this.afterProcessing = true;
            return this;
        }

        public Builder retryAfter(int seconds) {
            this.retryAfter = seconds;
            return this;
        }

        public FaultRule respond(int status) {
            return install(new Fault(status, retryAfter, Duration.ZERO, false, afterProcessing));
        }

        public FaultRule delay(Duration delay) {
            return install(new Fault(0, retryAfter, delay, false, afterProcessing));
        }

        /** Answers with the headers and half the body, then stalls this long before the rest. */
        public FaultRule stallBody(Duration stall) {
            return install(new Fault(0, retryAfter, Duration.ZERO, false, afterProcessing, stall));
        }

        public FaultRule drop() {
            return install(new Fault(0, retryAfter, Duration.ZERO, true, afterProcessing));
        }

        private FaultRule install(Fault fault) {
            return add(new FaultRule(method, pathPrefix, fault, times));
        }
    }
}
