package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One API of the simulator: owns some paths, as declared to its constructor, and answers the requests
 * made to them.
 */
public abstract class Route {
    private final String prefix;
    private final Predicate<String> owns;

    /** The paths a route owns. */
    public static final class Paths {
        private final String prefix;
        private final Predicate<String> owns;

        private Paths(String prefix, Predicate<String> owns) {
            this.prefix = prefix;
            this.owns = owns;
        }

        /** Exactly this path. */
        public static Paths exactly(String path) {
            return new Paths(path, path::equals);
        }

        /** This path and every path below it ({@code /api/now/attachment}, {@code /api/now/attachment/...}). */
        public static Paths under(String prefix) {
            return new Paths(prefix, p -> p.equals(prefix) || p.startsWith(prefix + "/"));
        }

        /** Every path the whole pattern matches. */
        public static Paths matching(Pattern pattern) {
            return new Paths("", p -> pattern.matcher(p).matches());
        }
    }

    protected Route(Paths paths) {
        this.prefix = paths.prefix;
        this.owns = paths.owns;
    }

    /** Whether this route owns the path; the first route that does answers. */
    public final boolean matches(String path) {
        return owns.test(path);
    }

    public abstract Response handle(Request request) throws Exception;

    /**
     * The segments of the request's path after the route's own path, outer slashes ignored:
     * {@code /api/now/attachment/abc/file} under {@code /api/now/attachment} gives {@code [abc, file]}.
     */
    protected final List<String> segments(Request request) {
        String rest = request.path().substring(Math.min(prefix.length(), request.path().length())).replaceAll("^/+|/+$", "");
        return rest.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(rest.split("/", -1)));
    }
}
