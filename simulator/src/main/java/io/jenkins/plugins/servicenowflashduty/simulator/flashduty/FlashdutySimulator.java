package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import io.jenkins.plugins.servicenowflashduty.simulator.SimClock;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The Flashduty half of the simulator: integrations, the alerts pushed to them, and the push API. */
public final class FlashdutySimulator {
    /** Integration key of the seeded standard alert integration; it exists only inside the simulator. */
    public static final String INTEGRATION_KEY = "sandbox-integration-key";

    private final Set<String> integrationKeys = ConcurrentHashMap.newKeySet();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    /** Key of the seeded custom change integration (its push URL is {@code /event/push/change/standard?integration_key=...}). */
    public static final String CHANGE_INTEGRATION_KEY = "sandbox-change-key";

    private final AlertPushApi api;
    private final ChangePushApi changeApi;
    private final Map<String, Change> changes = new LinkedHashMap<>();

    public FlashdutySimulator(SimClock clock) {
        integrationKeys.add(INTEGRATION_KEY);
        integrationKeys.add(CHANGE_INTEGRATION_KEY);
        this.api = new AlertPushApi(this, new RateLimiter(clock), clock);
        this.changeApi = new ChangePushApi(this, new RateLimiter(clock), clock);
    }

    public void addIntegration(String integrationKey) {
        integrationKeys.add(integrationKey);
    }

    boolean knows(String integrationKey) {
        return integrationKeys.contains(integrationKey);
    }

    public List<Route> routes() {
        return List.of(api, changeApi);
    }

    /** Switches Flashduty's per-integration limits (100/s, 1000/min) on or off. */
    public void setRateLimited(boolean limited) {
        api.setRateLimited(limited);
    }

    /** Every alert ever opened, oldest first (a recovered key that triggers again opens a new alert). */
    public List<Alert> alerts() {
        return new ArrayList<>(alerts);
    }

    /** The newest alert with this key. */
    public Optional<Alert> alert(String alertKey) {
        for (int i = alerts.size() - 1; i >= 0; i--) {
            if (alerts.get(i).alertKey().equals(alertKey)) {
                return Optional.of(alerts.get(i));
            }
        }
        return Optional.empty();
    }

    public void clear() {
        alerts.clear();
        synchronized (this) {
            changes.clear();
        }
    }

    /** Every change received, in the order of their first event. */
    public synchronized List<Change> changes() {
        return List.copyOf(changes.values());
    }

    /** Adds an event to the change with its key (per integration), opening the change at its first event. */
    synchronized void acceptChange(String integrationKey, String changeKey, ChangeEvent event) {
        String hint = integrationKey.length() <= 4 ? "****" : "****" + integrationKey.substring(integrationKey.length() - 4);
        changes.computeIfAbsent(hint + "/" + changeKey, k -> new Change(hint, changeKey)).add(event);
    }

    /** Applies an accepted event: to the open alert with its key, or to a new one. */
    synchronized void accept(String integrationKey, String alertKey, AlertEvent event) {
        String hint = integrationKey.length() <= 4 ? "****" : "****" + integrationKey.substring(integrationKey.length() - 4);
        Optional<Alert> open = alert(alertKey).filter(a -> !a.recovered() && a.integration().equals(hint));
        if (open.isPresent()) {
            open.get().add(event);
        } else if (!event.status().equals("Ok")) {
            Alert alert = new Alert(hint, alertKey);
            alert.add(event);
            alerts.add(alert);
        }
        // an Ok for a key with no open alert changes nothing, as on Flashduty
    }
}
