package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.model.Run;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tracks a credential's use on a build once, not at every step: tracking writes the credential's fingerprint file,
 * which grows with each build that used it, so a build of many steps wrote it as often. What the fingerprint says
 * (this build used this credential) is the same after the first time.
 */
final class UsageTracking {
    private static final int REMEMBERED = 4096;
    private static final Map<String, Boolean> TRACKED = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    private UsageTracking() {
    }

    /** Records on the build that it used the credential, unless that was recorded already since the controller started. */
    static void track(Run<?, ?> run, IdCredentials credential) {
        if (credential == null) {
            return;
        }
        String key = run.getExternalizableId() + '\n' + credential.getClass().getName() + '\n' + credential.getId();
        synchronized (TRACKED) {
            if (TRACKED.put(key, Boolean.TRUE) != null) {
                return;
            }
        }
        CredentialsProvider.track(run, credential);
    }
}
