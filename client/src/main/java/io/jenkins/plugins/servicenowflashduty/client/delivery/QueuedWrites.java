package io.jenkins.plugins.servicenowflashduty.client.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.ChangeEvent;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.ChangeStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyAlerts;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyChangeEvents;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.IncidentLink;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.TriggerOptions;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.incident.CausedBy;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.worknote.JournalField;
import io.jenkins.plugins.servicenowflashduty.client.worknote.TicketRef;
import io.jenkins.plugins.servicenowflashduty.client.worknote.WorkNotes;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The writes that can be queued in an {@link Outbox} (raise and resolve an incident, a work note, a Flashduty
 * alert), how each is written down, and how a queued one is carried out. Only what the operation needs is
 * kept: instance names and build facts, never a credential; the caller looks those up when it is sent.
 */
public final class QueuedWrites {
    public static final String RAISE = "incident-raise";
    public static final String RESOLVE = "incident-resolve";
    public static final String NOTE = "work-note";
    public static final String ALERT = "flashduty-alert";
    public static final String RECOVER = "flashduty-recover";
    public static final String CHANGE_EVENT = "flashduty-change-event";

    private QueuedWrites() {
    }

    /** A write ready to queue. */
    public record Write(String key, String kind, String summary, ObjectNode payload) {
    }

    /** Where a queued write is sent; the caller builds the clients when it is due, with current credentials. */
    public interface Targets {
        ServiceNowClient serviceNow(String instance, Delivery delivery) throws Exception;

        FlashdutyClient flashduty(Delivery delivery) throws Exception;

        /** Where change events go; empty when the admin configured no change integration (the event is then dropped). */
        default Optional<FlashdutyChangeEvents> flashdutyChanges(Delivery delivery) throws Exception {
            return Optional.empty();
        }
    }

    /**
     * A raise, checked now as far as it can be without ServiceNow; its description is cut to what ServiceNow keeps.
     *
     * @throws io.jenkins.plugins.servicenowflashduty.client.http.ApiException with the sentence of bad input
     */
    public static Write raise(String instance, BuildContext build, IncidentRequest request) {
        return raise(instance, build, request, null);
    }

    /** A raise that links a new incident to the change that caused it (found when the raise is delivered). */
    public static Write raise(String instance, BuildContext build, IncidentRequest request, CausedBy causedBy) {
        Incidents.check(request);
        String key = Incidents.correlationKey(build, request.correlationKey());
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("instance", instance);
        p.set("build", build(build));
        if (causedBy != null) {
            p.put("causedBy", causedBy.change());
            p.put("causedByExplicit", causedBy.explicit());
        }
        ObjectNode r = p.putObject("request");
        r.put("correlationKey", request.correlationKey());
        r.put("shortDescription", request.shortDescription());
        r.put("description", request.description() == null ? null : Keys.keepStart(request.description(), Incidents.MAX_DESCRIPTION));
        r.put("urgency", request.urgency());
        r.put("impact", request.impact());
        r.put("category", request.category());
        r.put("subcategory", request.subcategory());
        r.put("assignmentGroup", request.assignmentGroup());
        r.put("caller", request.caller());
        r.put("configurationItem", request.configurationItem());
        r.set("extraFields", strings(request.extraFields()));
        r.put("workNote", request.workNote());
        return new Write(incidentKey(instance, key), RAISE, "raise the incident " + key + " for " + build.displayName(), p);
    }

    public static Write resolve(String instance, BuildContext build, String correlationKey, String closeCode, String closeNotes) {
        String key = Incidents.correlationKey(build, correlationKey);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("instance", instance);
        p.set("build", build(build));
        p.put("correlationKey", correlationKey);
        p.put("closeCode", closeCode);
        p.put("closeNotes", closeNotes);
        return new Write(incidentKey(instance, key), RESOLVE, "resolve the incident " + key + " for " + build.displayName(), p);
    }

    /**
     * A work note or comment, checked now: an empty or overlong one fails its step instead of waiting in the queue.
     *
     * @throws io.jenkins.plugins.servicenowflashduty.client.http.ApiException with the sentence of bad input
     */
    public static Write note(String instance, TicketRef ticket, JournalField field, String text, String forWhat) {
        WorkNotes.check(field, text);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("instance", instance);
        p.put("number", ticket.number());
        p.put("table", ticket.table());
        p.put("sysId", ticket.sysId());
        p.put("field", field.column());
        p.put("text", text);
        return new Write("servicenow " + instance + " " + ticket, NOTE,
                (field == JournalField.WORK_NOTES ? "add a work note to " : "add a comment to ") + ticket + " for " + forWhat, p);
    }

    /**
     * Triggers the build's alert ({@code recover} false) or recovers it; checked now as Flashduty would check it.
     *
     * @throws io.jenkins.plugins.servicenowflashduty.client.http.ApiException with the sentence of bad input
     */
    public static Write alert(BuildContext build, TriggerOptions options, boolean recover) {
        FlashdutyAlerts.event(build, options, recover);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.set("build", build(build));
        p.put("status", options.status() == null ? null : options.status().name());
        p.put("title", options.title());
        p.put("description", options.description());
        p.put("alertKey", options.alertKey());
        p.set("labels", strings(options.labels()));
        if (options.incident() != null) {
            p.put("incidentNumber", options.incident().number());
            p.put("incidentUrl", options.incident().url());
        }
        String key = FlashdutyAlerts.alertKey(build, options);
        return new Write("flashduty " + key, recover ? RECOVER : ALERT,
                (recover ? "recover the alert " : "send the alert ") + key + " for " + build.displayName(), p);
    }

    /** A change event of a deployment, kept in order with the other events of its change. */
    public static Write changeEvent(ChangeEvent event, String forWhat) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("changeKey", event.changeKey());
        p.put("status", event.status().name());
        p.put("title", event.title());
        if (event.eventTime() != null) {
            p.put("eventTime", event.eventTime().toEpochMilli());
        }
        p.put("description", event.description());
        p.put("link", event.link());
        p.set("labels", strings(event.labels()));
        return new Write("flashduty change " + event.changeKey(), CHANGE_EVENT,
                "record " + event.changeKey() + " as " + event.status().wire() + " on Flashduty for " + forWhat, p);
    }

    /**
     * Carries out a queued write.
     *
     * @return what the operation returned: an {@code IncidentOutcome}, the noted ticket's {@code SnRecord} or a
     *     {@code PushResult}
     */
    public static Object perform(Delivery d, Targets targets) throws Exception {
        JsonNode p = d.payload();
        Targets patient = new Targets() { // briefly: the queue's own backoff takes over after a failed attempt
            @Override
            public ServiceNowClient serviceNow(String instance, Delivery delivery) throws Exception {
                return targets.serviceNow(instance, delivery).withRetry(RetryPolicy.queued());
            }

            @Override
            public FlashdutyClient flashduty(Delivery delivery) throws Exception {
                return targets.flashduty(delivery).withRetry(RetryPolicy.queued());
            }

            @Override
            public Optional<FlashdutyChangeEvents> flashdutyChanges(Delivery delivery) throws Exception {
                return targets.flashdutyChanges(delivery).map(c -> c.withRetry(RetryPolicy.queued()));
            }
        };
        return perform(d, p, patient);
    }

    private static Object perform(Delivery d, JsonNode p, Targets targets) throws Exception {
        return switch (d.kind()) {
            case RAISE -> new Incidents(targets.serviceNow(text(p, "instance"), d)).raise(build(p.path("build")), request(p.path("request")),
                    d.repeat(), p.hasNonNull("causedBy") ? new CausedBy(text(p, "causedBy"), p.path("causedByExplicit").asBoolean()) : null);
            case RESOLVE -> new Incidents(targets.serviceNow(text(p, "instance"), d)).resolve(build(p.path("build")),
                    text(p, "correlationKey"), text(p, "closeCode"), text(p, "closeNotes"));
            case NOTE -> new WorkNotes(targets.serviceNow(text(p, "instance"), d)).add(
                    TicketRef.of(text(p, "number"), text(p, "table"), text(p, "sysId")), JournalField.parse(text(p, "field")),
                    text(p, "text"), d.repeat());
            case ALERT -> new FlashdutyAlerts(targets.flashduty(d)).trigger(build(p.path("build")), options(p));
            case RECOVER -> new FlashdutyAlerts(targets.flashduty(d)).resolve(build(p.path("build")), options(p));
            case CHANGE_EVENT -> {
                Optional<FlashdutyChangeEvents> to = targets.flashdutyChanges(d);
                if (to.isPresent()) {
                    to.get().push(new ChangeEvent(text(p, "changeKey"), ChangeStatus.valueOf(text(p, "status")), text(p, "title"),
                            p.hasNonNull("eventTime") ? Instant.ofEpochMilli(p.path("eventTime").asLong()) : null, text(p, "description"),
                            text(p, "link"), map(p.path("labels"))));
                }
                yield null;
            }
            default -> throw new Undeliverable("This Jenkins does not know how to deliver '" + d.kind()
                    + "'; it was queued by another version of the plugin.");
        };
    }

    private static String incidentKey(String instance, String correlationKey) {
        return "servicenow " + instance + " incident " + correlationKey;
    }

    private static ObjectNode build(BuildContext b) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("job", b.jobFullName());
        n.put("number", b.buildNumber());
        n.put("url", b.buildUrl());
        n.put("result", b.result());
        n.put("branch", b.branch());
        n.put("commit", b.commit());
        n.put("controller", b.controller());
        return n;
    }

    private static BuildContext build(JsonNode n) {
        return new BuildContext(n.path("job").asText(), n.path("number").asInt(), n.path("url").asText(), n.path("result").asText(),
                n.path("branch").asText(), n.path("commit").asText(), n.path("controller").asText());
    }

    private static IncidentRequest request(JsonNode r) {
        return new IncidentRequest(text(r, "correlationKey"), text(r, "shortDescription"), text(r, "description"), text(r, "urgency"),
                text(r, "impact"), text(r, "category"), text(r, "subcategory"), text(r, "assignmentGroup"), text(r, "caller"),
                text(r, "configurationItem"), map(r.path("extraFields")), text(r, "workNote"));
    }

    private static TriggerOptions options(JsonNode p) {
        IncidentLink incident = p.hasNonNull("incidentNumber") ? new IncidentLink(text(p, "incidentNumber"), text(p, "incidentUrl")) : null;
        String status = text(p, "status");
        return new TriggerOptions(status == null ? null : EventStatus.valueOf(status), text(p, "title"), text(p, "description"),
                text(p, "alertKey"), map(p.path("labels")), incident);
    }

    private static ObjectNode strings(Map<String, ?> values) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (values != null) {
            values.forEach((k, v) -> n.put(k, v == null ? null : v.toString()));
        }
        return n;
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return m;
    }

    /** A string field, null when absent or null (the operations' "use the default"). */
    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
