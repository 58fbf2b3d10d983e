package io.jenkins.plugins.servicenowflashduty.client.flashduty;

/**
 * A ServiceNow incident raised by the same build, carried to Flashduty as labels so responders can
 * jump from the alert to the ticket.
 *
 * @param number e.g. {@code INC0010002}
 * @param url the incident's page, or empty
 */
public record IncidentLink(String number, String url) {
}
