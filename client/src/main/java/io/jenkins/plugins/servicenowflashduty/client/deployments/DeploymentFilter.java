package io.jenkins.plugins.servicenowflashduty.client.deployments;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Which deployments a page or an export shows: a time range (by the deployment's end, UTC days, both ends included) and
 * a result. A value it does not know is refused in one sentence rather than read as "everything".
 *
 * @param from the first day, or null
 * @param to the last day, or null
 * @param result {@code successful}, {@code unsuccessful}, {@code aborted}, {@code canceled}, {@code failed} (unsuccessful
 *     or caused an incident), or empty for all
 */
public record DeploymentFilter(LocalDate from, LocalDate to, String result) {
    public static final Set<String> RESULTS = Set.of(Deployment.SUCCESSFUL, Deployment.UNSUCCESSFUL, Deployment.ABORTED, Deployment.CANCELED,
            "failed");
    public static final DeploymentFilter ALL = new DeploymentFilter(null, null, "");

    public DeploymentFilter {
        result = result == null ? "" : result.strip().toLowerCase(Locale.ROOT);
        if (!result.isEmpty() && !RESULTS.contains(result)) {
            throw invalidInput("'" + result + "' is not a result to filter by; use one of successful, unsuccessful, aborted, canceled or failed.");
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw invalidInput("The range ends (" + to + ") before it starts (" + from + ").");
        }
    }

    /** The filter from a page's parameters, each optional; a bad date or result is one sentence. */
    public static DeploymentFilter parse(String from, String to, String result) {
        return new DeploymentFilter(day("from", from), day("to", to), result);
    }

    private static LocalDate day(String what, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(text.strip());
            if (day.getYear() < 1970 || day.getYear() > 9999) {
                throw new DateTimeParseException("out of range", text, 0);
            }
            return day;
        } catch (DateTimeParseException e) {
            throw invalidInput("'" + text.strip() + "' is not a day for '" + what + "'; use yyyy-MM-dd, such as 2026-12-01.");
        }
    }

    public boolean matches(Deployment d) {
        Instant at = d.at();
        if (from != null && (at == null || at.isBefore(from.atStartOfDay(ZoneOffset.UTC).toInstant()))) {
            return false;
        }
        if (to != null && (at == null || !at.isBefore(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()))) {
            return false;
        }
        return switch (result) {
            case "" -> true;
            case "failed" -> d.failed();
            default -> result.equals(d.result());
        };
    }
}
