package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.ProxyConfiguration;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWatcher;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HeaderAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestListener;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.OAuthAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The clients of the configured services, one per configuration and credential (not per build), so
 * connection pools and OAuth tokens are shared; a configuration or credential change makes a new one for
 * the next step, no restart. Also the plugin's two shared threads' worth of executors: the approval
 * watchers' scheduler and a small pool for the asynchronous steps' network calls.
 *
 * <p>Credentials are looked up in the build's context ({@link CredentialsProvider#findCredentialById}), so
 * folder credentials work, and their use is tracked; only the configuration page's test buttons, which
 * require {@code Jenkins.ADMINISTER}, look them up at the root.
 */
public final class Clients {
    private static final Logger LOG = Logger.getLogger(Clients.class.getName());
    private static final Clients INSTANCE = new Clients();
    private static final int MAX_CACHED = 64;

    private final Map<String, ServiceNowClient> serviceNow = new ConcurrentHashMap<>();
    private final Map<String, FlashdutyClient> flashduty = new ConcurrentHashMap<>();
    private final Map<String, ApprovalWatcher> watchers = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;
    private volatile ExecutorService background;

    private Clients() {
    }

    public static Clients get() {
        return INSTANCE;
    }

    // ---------------------------------------------------------------- ServiceNow

    /** The client for a step of this build, with the credentials the build may use. */
    public ServiceNowClient serviceNow(ServiceNowInstance instance, Run<?, ?> run) throws ConfigurationException {
        StandardCredentials main = instance.getCredentialsId() == null ? null
                : credential(instance, instance.getCredentialsId(), StandardCredentials.class, run);
        StandardUsernamePasswordCredentials oauth = instance.getOauthCredentialsId() == null ? null
                : credential(instance, instance.getOauthCredentialsId(), StandardUsernamePasswordCredentials.class, run);
        return cachedServiceNow(instance, main, oauth);
    }

    /**
     * The client with credentials stored at the root, for the administrator's own configuration: the test
     * button (an admin's request) and an admin-wide incident whose build is gone (the system).
     */
    public ServiceNowClient serviceNowAtRoot(ServiceNowInstance instance) throws ConfigurationException {
        StandardCredentials main = instance.getCredentialsId() == null ? null
                : rootCredential("ServiceNow instance '" + instance.getName() + "'", instance.getCredentialsId(), StandardCredentials.class);
        StandardUsernamePasswordCredentials oauth = instance.getOauthCredentialsId() == null ? null
                : rootCredential("ServiceNow instance '" + instance.getName() + "'", instance.getOauthCredentialsId(), StandardUsernamePasswordCredentials.class);
        return cachedServiceNow(instance, main, oauth);
    }

    private ServiceNowClient cachedServiceNow(ServiceNowInstance instance, StandardCredentials main,
                                              StandardUsernamePasswordCredentials oauth) throws ConfigurationException {
        if (main == null && oauth == null) {
            throw new ConfigurationException(Messages.Clients_noCredentials(instance.getName()));
        }
        String key = instance.connectionKey() + '\n' + fingerprint(main) + '\n' + fingerprint(oauth);
        ServiceNowClient cached = serviceNow.get(key);
        if (cached != null) {
            return cached;
        }
        HttpSettings settings = settings("ServiceNow");
        ServiceNowClient made = new ServiceNowClient(instance.getUrl(), instance.isAllowPlainHttp(),
                authentication(instance, main, oauth, settings), settings);
        trim(serviceNow);
        ServiceNowClient raced = serviceNow.putIfAbsent(key, made);
        return raced != null ? raced : made;
    }

    private static Authentication authentication(ServiceNowInstance instance, StandardCredentials main,
                                                 StandardUsernamePasswordCredentials oauth, HttpSettings settings)
            throws ConfigurationException {
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
        if (main instanceof StringCredentials text) {
            return HeaderAuthentication.apiKey(SecretValue.of(text.getSecret().getPlainText()));
        }
        throw new ConfigurationException(Messages.Clients_wrongKind(main.getId(), instance.getName()));
    }

    /** The approval watcher of an instance (one per connection and poll interval): one polling task for all its waits. */
    public ApprovalWatcher watcher(ServiceNowInstance instance, ServiceNowClient client, Duration interval) {
        String key = instance.connectionKey() + '\n' + System.identityHashCode(client) + '\n' + interval.toMillis();
        return watchers.computeIfAbsent(key, k -> new ApprovalWatcher(client, scheduler(), Clock.systemUTC(), interval));
    }

    // ---------------------------------------------------------------- Flashduty

    /** The Flashduty client for a step of this build. */
    public FlashdutyClient flashduty(FlashdutyConfiguration config, Run<?, ?> run) throws ConfigurationException {
        if (config.getIntegrationKeyCredentialsId() == null) {
            throw new ConfigurationException(Messages.Clients_noFlashdutyKey());
        }
        StringCredentials key = credentialById(config.getIntegrationKeyCredentialsId(), StringCredentials.class, run, "Flashduty");
        return cachedFlashduty(config.getBaseUrl(), config.isAllowPlainHttp(), key);
    }

    /**
     * The Flashduty client with the key stored at the root, for the administrator's own configuration: an
     * admin-wide alert whose build is gone. The caller is an administrator or the system.
     */
    public FlashdutyClient flashdutyAtRoot(FlashdutyConfiguration config) throws ConfigurationException {
        return flashdutyForConfigurationPage(config.getBaseUrl(), config.getIntegrationKeyCredentialsId(), config.isAllowPlainHttp());
    }

    FlashdutyClient flashdutyForConfigurationPage(String baseUrl, String credentialsId, boolean allowPlainHttp)
            throws ConfigurationException {
        if (credentialsId == null || credentialsId.isBlank()) {
            throw new ConfigurationException(Messages.Clients_noFlashdutyKey());
        }
        StringCredentials key = rootCredential("Flashduty", credentialsId, StringCredentials.class);
        return cachedFlashduty(baseUrl, allowPlainHttp, key);
    }

    private FlashdutyClient cachedFlashduty(String baseUrl, boolean allowPlainHttp, StringCredentials key) {
        String cacheKey = baseUrl + '\n' + allowPlainHttp + '\n' + fingerprint(key);
        return flashduty.computeIfAbsent(cacheKey, k -> new FlashdutyClient(baseUrl, allowPlainHttp,
                SecretValue.of(key.getSecret().getPlainText()), settings("Flashduty")));
    }

    // ---------------------------------------------------------------- credentials

    private static <C extends StandardCredentials> C credential(ServiceNowInstance instance, String id, Class<C> type, Run<?, ?> run)
            throws ConfigurationException {
        return credentialById(id, type, run, "ServiceNow instance '" + instance.getName() + "'");
    }

    private static <C extends StandardCredentials> C credentialById(String id, Class<C> type, Run<?, ?> run, String owner)
            throws ConfigurationException {
        StandardCredentials any = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
        if (any == null) {
            throw new ConfigurationException(Messages.Clients_credentialNotFound(id, owner));
        }
        if (!type.isInstance(any)) {
            throw new ConfigurationException(Messages.Clients_credentialWrongType(id, owner, kind(type)));
        }
        CredentialsProvider.track(run, any);
        return type.cast(any);
    }

    /** For the admin's test buttons on the configuration page: credentials stored at the root. */
    private static <C extends StandardCredentials> C rootCredential(String owner, String id, Class<C> type) throws ConfigurationException {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        StandardCredentials any = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
        if (any == null) {
            throw new ConfigurationException(Messages.Clients_credentialNotFoundAtRoot(id, owner));
        }
        if (!type.isInstance(any)) {
            throw new ConfigurationException(Messages.Clients_credentialWrongType(id, owner, kind(type)));
        }
        return type.cast(any);
    }

    private static String kind(Class<?> type) {
        if (type == StringCredentials.class) {
            return "Secret text";
        }
        if (type == StandardUsernamePasswordCredentials.class) {
            return "Username with password";
        }
        return "Username with password or Secret text";
    }

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

    // ---------------------------------------------------------------- plumbing

    /** Jenkins's proxy (with its authentication) for every request; request events at FINE in the controller log. */
    private static HttpSettings settings(String service) {
        return HttpSettings.defaults(service)
                .withClientBuilder(ProxyConfiguration::newHttpClientBuilder)
                .withUserAgent("jenkins-servicenow-flashduty")
                .withListener(CONTROLLER_LOG);
    }

    private static final RequestListener CONTROLLER_LOG = event -> LOG.log(Level.FINE, "{0}", event);

    /** Bounded: a long-lived controller with many edited credentials does not keep every old client. */
    private static <V> void trim(Map<String, V> cache) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
    }

    /** The one thread that polls for approvals, for all instances. */
    ScheduledExecutorService scheduler() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            synchronized (this) {
                s = scheduler;
                if (s == null) {
                    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                            new NamingThreadFactory(new DaemonThreadFactory(), "ServiceNow approval watcher"));
                    e.setRemoveOnCancelPolicy(true);
                    scheduler = s = e;
                }
            }
        }
        return s;
    }

    /** Where asynchronous steps make their network calls, off the Pipeline thread; threads end when idle. */
    public ExecutorService background() {
        ExecutorService b = background;
        if (b == null) {
            synchronized (this) {
                b = background;
                if (b == null) {
                    // two threads: the calls are short, and waiting builds hold none of them
                    ThreadPoolExecutor e = new ThreadPoolExecutor(2, 2, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                            new NamingThreadFactory(new DaemonThreadFactory(), "ServiceNow step"));
                    e.allowCoreThreadTimeOut(true);
                    background = b = e;
                }
            }
        }
        return b;
    }
}
