package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a push's {@code title_rule} into the alert title, in the forms Flashduty documents
 * ("Reference variables" / "Customize incident title"):
 *
 * <ul>
 *   <li>{@code $resource::$check}: parts split at {@code ::}, each a fixed text or a {@code $label}, joined with
 *       {@code " / "}; a label that is missing leaves its {@code $name} as written.</li>
 *   <li>{@code [TPL]${resource} / ${check}}: labels only; a missing one gives {@code <no value>}.</li>
 *   <li>{@code [TPL]{{.Labels.resource}} / {{.EventSeverity}}}: Go template actions over the alert event; a missing
 *       label gives an empty string.</li>
 * </ul>
 *
 * <p>Go templates can do far more (conditions, loops, pipelines, Sprig functions). The sandbox renders only
 * plain references (labels, {@code index .Labels}, the event attributes of {@link Event}, comments, trim
 * markers); any other action is refused with an
 * {@link IllegalArgumentException} rather than shown as a title Flashduty would not produce.
 */
final class TitleRule {
    static final String TEMPLATE_PREFIX = "[TPL]";
    private static final String NO_VALUE = "<no value>";
    private static final Pattern BARE_VARIABLE = Pattern.compile("\\$([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Pattern LABEL_FIELD = Pattern.compile("\\.Labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Pattern LABEL_INDEX = Pattern.compile("index\\s+\\.Labels\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\.([A-Z][A-Za-z]*)");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final String ACTIONS_KNOWN = "{{.Labels.name}}, {{index .Labels \"name\"}}, {{.Description}}, "
            + "{{.EventSeverity}}, {{.EventStatus}}, {{.AlertKey}} and {{.TitleRule}}";

    /** What {@code {{.Name}}} may reference besides labels: the event's own attributes. */
    record Event(String titleRule, String description, String eventStatus, String eventSeverity, String alertKey) {
        String attribute(String name) {
            return switch (name) {
                case "Description" -> description;
                case "EventStatus" -> eventStatus;
                case "EventSeverity" -> eventSeverity;
                case "AlertKey" -> alertKey;
                case "TitleRule" -> titleRule;
                default -> null;
            };
        }
    }

    private TitleRule() {
    }

    /**
     * The title for this rule.
     *
     * @throws IllegalArgumentException when a {@code [TPL]} rule uses template syntax the sandbox does not render
     */
    static String render(String rule, Map<String, String> labels, Event event) {
        if (rule.startsWith(TEMPLATE_PREFIX)) {
            return template(rule.substring(TEMPLATE_PREFIX.length()), labels, event);
        }
        return simplified(rule, labels);
    }

    /** {@code $resource::$check} and a rule that is one {@code $label}; any other rule is the title as written. */
    private static String simplified(String rule, Map<String, String> labels) {
        if (!rule.contains("::")) {
            Matcher bare = BARE_VARIABLE.matcher(rule.trim());
            return bare.matches() && labels.containsKey(bare.group(1)) ? labels.get(bare.group(1)) : rule;
        }
        StringBuilder out = new StringBuilder();
        for (String part : rule.split("::", -1)) {
            String p = part.trim();
            Matcher bare = BARE_VARIABLE.matcher(p);
            if (bare.matches() && labels.containsKey(bare.group(1))) {
                p = labels.get(bare.group(1));
            }
            out.append(out.length() == 0 ? "" : " / ").append(p);
        }
        return out.toString();
    }

    private static String template(String text, Map<String, String> labels, Event event) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean trimNext = false;
        while (i < text.length()) {
            int action = text.indexOf("{{", i);
            int dollar = text.indexOf("${", i);
            int next = action < 0 ? dollar : dollar < 0 ? action : Math.min(action, dollar);
            if (next < 0) {
                out.append(trimNext ? text.substring(i).stripLeading() : text.substring(i));
                break;
            }
            String literal = text.substring(i, next);
            out.append(trimNext ? literal.stripLeading() : literal);
            trimNext = false;
            if (next == dollar) {
                int close = text.indexOf('}', next + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("title_rule has a ${ without a closing }");
                }
                String name = text.substring(next + 2, close).trim();
                out.append(labels.getOrDefault(name, NO_VALUE));
                i = close + 1;
                continue;
            }
            int close = text.indexOf("}}", next + 2);
            if (close < 0) {
                throw new IllegalArgumentException("title_rule has a {{ without a closing }}");
            }
            String inside = text.substring(next + 2, close);
            if (inside.startsWith("- ") || inside.equals("-")) {
                trimTrailing(out);
                inside = inside.substring(1);
            }
            if (inside.endsWith(" -")) {
                trimNext = true;
                inside = inside.substring(0, inside.length() - 1);
            }
            out.append(action(inside.trim(), labels, event));
            i = close + 2;
        }
        return out.toString();
    }

    private static String action(String action, Map<String, String> labels, Event event) {
        if (COMMENT.matcher(action).matches()) {
            return "";
        }
        Matcher m = LABEL_FIELD.matcher(action);
        if (m.matches()) {
            return labels.getOrDefault(m.group(1), "");
        }
        m = LABEL_INDEX.matcher(action);
        if (m.matches()) {
            return labels.getOrDefault(m.group(1).replaceAll("\\\\(.)", "$1"), "");
        }
        m = ATTRIBUTE.matcher(action);
        if (m.matches() && event.attribute(m.group(1)) != null) {
            return event.attribute(m.group(1));
        }
        throw new IllegalArgumentException("title_rule uses {{" + shorten(action) + "}}, which the sandbox cannot render as Flashduty would; it renders "
                + ACTIONS_KNOWN + " in [TPL] rules, and ${name} for labels");
    }

    private static void trimTrailing(StringBuilder out) {
        int n = out.length();
        while (n > 0 && Character.isWhitespace(out.charAt(n - 1))) {
            n--;
        }
        out.setLength(n);
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
