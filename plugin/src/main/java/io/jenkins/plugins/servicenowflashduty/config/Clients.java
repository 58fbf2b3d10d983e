package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.ProxyConfiguration;
import hudson.init.Terminator;
import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWait;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWatcher;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyChangeEvents;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HeaderAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestListener;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.OAuthAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.run.PluginThreads;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The clients of the configured services for a build or for the administrator, one per connection and credential
 * (not per build), so connection pools and OAuth tokens are shared; an edited credential makes a new client for
 * the next step, no restart.
 *
 * <p>Which credential: the one a folder of the job binds for the instance ({@link FolderCredentials}, looked up in
 * the build's context), else the admin's binding on the global page ({@link AdminCredentials}, looked up as that
 * page lists it, System scope allowed). Either way its use is tracked on the build, and a job outside the
 * instance's allowed jobs gets one sentence and sends nothing.
 */
public final class Clients {
    private static final Logger LOG = Logger.getLogger(Clients.class.getName());
    private static final Clients INSTANCE = new Clients();
    private static final int CACHED = 64;

    private final ClientCache<ServiceNowClient> serviceNow = new ClientCache<>(CACHED);
    private final ClientCache<FlashdutyClient> flashduty = new ClientCache<>(CACHED);
    private final ClientCache<FlashdutyChangeEvents> changeEvents = new ClientCache<>(CACHED);
    private final Map<String, ApprovalWatcher> watchers = new ConcurrentHashMap<>();

    private Clients() {
    }

    public static Clients get() {
        return INSTANCE;
    }

    // ---------------------------------------------------------------- ServiceNow

    /** The client for a step of this build: refused for a job the instance does not allow. */
    public ServiceNowClient serviceNow(ServiceNowInstance instance, Run<?, ?> run) throws ConfigurationException {
        return serviceNow(instance, run, true);
    }

    private ServiceNowClient serviceNow(ServiceNowInstance instance, Run<?, ?> run, boolean track) throws ConfigurationException {
        instance.checkMayUse(run.getParent());
        String owner = owner(instance);
        StandardCredentials main = FolderCredentials.find(instance, run, owner, track);
        if (main != null) {
            CredentialKinds.checkSendable(main, owner);
        } else if (instance.getCredentialsId() != null) {
            main = AdminCredentials.find(instance.getCredentialsId(), StandardCredentials.class, owner);
            if (track) {
                UsageTracking.track(run, main);
            }
        }
        StandardUsernamePasswordCredentials oauth = oauth(instance);
        if (oauth != null && track) {
            UsageTracking.track(run, oauth);
        }
        return cachedServiceNow(instance, main, oauth);
    }

    /**
     * The client with the admin's bindings, for the administrator's own work: the test button (checked for
     * {@code Jenkins.ADMINISTER} by its caller) and an admin-wide incident whose build is gone.
     */
    public ServiceNowClient serviceNowForAdmin(ServiceNowInstance instance) throws ConfigurationException {
        String owner = owner(instance);
        StandardCredentials main = instance.getCredentialsId() == null ? null
                : AdminCredentials.find(instance.getCredentialsId(), StandardCredentials.class, owner);
        return cachedServiceNow(instance, main, oauth(instance));
    }

    private static StandardUsernamePasswordCredentials oauth(ServiceNowInstance instance) throws ConfigurationException {
        return instance.getOauthCredentialsId() == null ? null
                : AdminCredentials.find(instance.getOauthCredentialsId(), StandardUsernamePasswordCredentials.class, owner(instance));
    }

    private static String owner(ServiceNowInstance instance) {
        return "ServiceNow instance '" + instance.getName() + "'";
    }

    private ServiceNowClient cachedServiceNow(ServiceNowInstance instance, StandardCredentials main,
                                              StandardUsernamePasswordCredentials oauth) throws ConfigurationException {
        if (main == null && oauth == null) {
            throw new ConfigurationException(Messages.Clients_noCredentials(instance.getName()));
        }
        if (main != null && !(main instanceof StandardUsernamePasswordCredentials) && !(main instanceof StringCredentials)) {
            throw new ConfigurationException(Messages.Clients_wrongKind(main.getId(), instance.getName()));
        }
        String key = instance.connectionKey() + '\n' + fingerprint(main) + '\n' + fingerprint(oauth);
        return serviceNow.get(key, () -> {
            HttpSettings settings = settings("ServiceNow");
            return new ServiceNowClient(instance.getUrl(), instance.isAllowPlainHttp(), authentication(instance, main, oauth, settings), settings);
        });
    }

    private static Authentication authentication(ServiceNowInstance instance, StandardCredentials main,
                                                 StandardUsernamePasswordCredentials oauth, HttpSettings settings) {
        if (oauth != null) {
            SecretValue clientSecret = SecretValue.of(oauth.getPassword().getPlainText());
            if (main instanceof StandardUsernamePasswordCredentials user) {
                return new OAuthAuthentication(instance.getUrl(), instance.isAllowPlainHttp(), settings, oauth.getUsername(), clientSecret,
                        OAuthAuthentication.Grant.PASSWORD, user.getUsername(), SecretValue.of(user.getPassword().getPlainText()));
            }
            return new OAuthAuthentication(instance.getUrl(), instance.isAllowPlainHttp(), settings, oauth.getUsername(), clientSecret,
                    OAuthAuthentication.Grant.CLIENT_CREDENTIALS, null, null);
        }
        if (main instanceof StandardUsernamePasswordCredentials user) {
            return new BasicAuthentication(user.getUsername(), SecretValue.of(user.getPassword().getPlainText()));
        }
        return HeaderAuthentication.apiKey(SecretValue.of(((StringCredentials) main).getSecret().getPlainText()));
    }

    /**
     * Forgets the watchers when the controller stops (their scheduler stops with it): waits are saved with their
     * builds and register again with new watchers when they resume.
     */
    @Terminator
    public static void forgetWatchers() {
        INSTANCE.watchers.clear();
    }

    /**
     * Adds a wait of this build to the approval watcher of its instance: one watcher per instance, credential source
     * (the admin's binding, or a folder's credential) and poll interval, whatever the number of waits. The watcher asks for its
     * client at every poll, from the configuration as it is then, so a rotated password or an edited instance is
     * used from the next poll on; a watcher without waits is dropped.
     */
    public ApprovalWatcher.Watch watch(ServiceNowInstance instance, Run<?, ?> run, Duration interval, ApprovalWait wait,
                                       Consumer<ApprovalWatcher.Progress> progress, Consumer<String> notices) throws ConfigurationException {
        serviceNow(instance, run); // refuses now, with its sentence, what the polls could not do
        String name = instance.getName();
        String folderCredential = FolderCredentials.boundId(name, run);
        String key = name + '\n' + (folderCredential == null ? "admin" : "folder " + folderCredential) + '\n' + interval.toMillis();
        // one lock for finding the watcher and adding the wait: an idle watcher dropped between the two (another build
        // registering at the same moment) would leave two watchers, each polling, for the same instance
        synchronized (watchers) {
            watchers.values().removeIf(w -> w.pendingCount() == 0);
            return watchers.computeIfAbsent(key, k -> new ApprovalWatcher(() -> current(name, run, folderCredential != null),
                    PluginThreads.scheduler(), PluginThreads.scheduler(), Clock.systemUTC(), interval)).watch(wait, progress, notices);
        }
    }

    /** The client a poll uses: the instance as configured now, with the credential as stored now. */
    private ServiceNowClient current(String instanceName, Run<?, ?> run, boolean folderCredential) {
        try {
            ServiceNowInstance now = ServiceNowConfiguration.get().instance(instanceName);
            return folderCredential ? serviceNow(now, run, false) : serviceNowForAdmin(now);
        } catch (ConfigurationException e) {
            throw ApiException.invalidInput(e.getMessage());
        }
    }

    // ---------------------------------------------------------------- Flashduty

    /** The Flashduty client for a step of this build: refused for a job Flashduty's configuration does not allow. */
    public FlashdutyClient flashduty(FlashdutyConfiguration config, Run<?, ?> run) throws ConfigurationException {
        config.checkMayUse(run.getParent());
        if (config.getIntegrationKeyCredentialsId() == null) {
            throw new ConfigurationException(Messages.Clients_noFlashdutyKey());
        }
        StringCredentials key = AdminCredentials.find(config.getIntegrationKeyCredentialsId(), StringCredentials.class, "Flashduty");
        UsageTracking.track(run, key);
        return cachedFlashduty(config.getBaseUrl(), config.isAllowPlainHttp(), key);
    }

    /**
     * The Flashduty client with the admin's binding, for the administrator's own work: the test button (its caller
     * checks {@code Jenkins.ADMINISTER}) and an admin-wide alert whose build is gone.
     */
    public FlashdutyClient flashdutyForAdmin(String baseUrl, String credentialsId, boolean allowPlainHttp) throws ConfigurationException {
        if (credentialsId == null || credentialsId.isBlank()) {
            throw new ConfigurationException(Messages.Clients_noFlashdutyKey());
        }
        StringCredentials key = AdminCredentials.find(credentialsId.strip(), StringCredentials.class, "Flashduty");
        return cachedFlashduty(baseUrl, allowPlainHttp, key);
    }

    /**
     * Where this build's change events go, with the admin's binding: empty when the admin set no change integration.
     * Refused for a job Flashduty's configuration does not allow.
     */
    public Optional<FlashdutyChangeEvents> changeEvents(FlashdutyConfiguration config, Run<?, ?> run) throws ConfigurationException {
        if (config.getChangeEventsCredentialsId() == null) {
            return Optional.empty();
        }
        config.checkMayUse(run.getParent());
        StringCredentials url = AdminCredentials.find(config.getChangeEventsCredentialsId(), StringCredentials.class, "Flashduty change events");
        UsageTracking.track(run, url);
        String cacheKey = "change events\n" + config.isAllowPlainHttp() + '\n' + fingerprint(url);
        return Optional.of(changeEvents.get(cacheKey, () -> new FlashdutyChangeEvents(SecretValue.of(url.getSecret().getPlainText()),
                config.isAllowPlainHttp(), settings("Flashduty"))));
    }

    private FlashdutyClient cachedFlashduty(String baseUrl, boolean allowPlainHttp, StringCredentials key) {
        String cacheKey = baseUrl + '\n' + allowPlainHttp + '\n' + fingerprint(key);
        return flashduty.get(cacheKey, () -> new FlashdutyClient(baseUrl, allowPlainHttp,
                SecretValue.of(key.getSecret().getPlainText()), settings("Flashduty")));
    }

    // ---------------------------------------------------------------- plumbing

    /**
     * What tells one credential's content from another, so an edited credential gets a new client. Kept in
     * memory only, as a hash.
     */
    private static String fingerprint(StandardCredentials c) {
        if (c == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder(c.getClass().getName()).append('\n').append(c.getId());
        if (c instanceof StandardUsernamePasswordCredentials u) {
            s.append('\n').append(u.getUsername()).append('\n').append(u.getPassword().getPlainText());
        } else if (c instanceof StringCredentials t) {
            s.append('\n').append(t.getSecret().getPlainText());
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jenkins's proxy (with its authentication) for every request; request events at FINE in the controller log. */
    private static HttpSettings settings(String service) {
        return HttpSettings.defaults(service)
                .withClientBuilder(ProxyConfiguration::newHttpClientBuilder)
                .withUserAgent("jenkins-servicenow-flashduty")
                .withListener(CONTROLLER_LOG);
    }

    private static final RequestListener CONTROLLER_LOG = event -> LOG.log(Level.FINE, "{0}", event);
}
