package io.jenkins.plugins.servicenowflashduty.client.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides the secrets of one request in the failures that leave the transport: the second line of defence behind
 * the checks of the credentials themselves. A JDK exception may quote what it refused (a header value, a URL),
 * and a failure is logged with its causes and stack trace; so the message of the {@link ApiException} is masked,
 * and each cause is replaced by a {@link MaskedCause} that keeps only the original class name, the masked message
 * and the original stack trace. Each secret is masked as is, stripped and URL-encoded (as in a query or a form).
 */
final class SecretMask {
    static final String STARS = "****";
    /** Causes deeper than this are dropped (a chain that long is a loop or a bug). */
    private static final int MAX_DEPTH = 32;

    /** The forms to replace, longest first so that a secret is masked before any shorter form inside it. */
    private final List<String> forms;

    private SecretMask(List<String> forms) {
        this.forms = forms;
    }

    static SecretMask of(Collection<SecretValue> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (SecretValue secret : secrets) {
            if (secret == null) {
                continue;
            }
            String raw = secret.reveal();
            for (String form : List.of(raw, raw.strip(), BaseUrl.encode(raw), BaseUrl.encode(raw.strip()))) {
                if (!form.isBlank()) {
                    forms.add(form);
                }
            }
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMask(List.copyOf(sorted));
    }

    /** The text with every form of every secret replaced by {@value #STARS}; null stays null. */
    String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String form : forms) {
            masked = masked.replace(form, STARS);
        }
        return masked;
    }

    /**
     * A copy of the failure with its message masked and its causes and suppressed exceptions replaced by masked
     * copies; same problem, status and stack trace. Applying it again changes nothing more.
     */
    ApiException apply(ApiException failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        seen.put(failure, true);
        ApiException masked = new ApiException(failure.problem(), failure.status(), mask(failure.getMessage()),
                copy(failure.getCause(), seen, 1));
        masked.setStackTrace(failure.getStackTrace());
        for (Throwable suppressed : failure.getSuppressed()) {
            Throwable copy = copy(suppressed, seen, 1);
            if (copy != null) {
                masked.addSuppressed(copy);
            }
        }
        return masked;
    }

    private MaskedCause copy(Throwable t, Map<Throwable, Boolean> seen, int depth) {
        if (t == null || depth > MAX_DEPTH || seen.put(t, true) != null) {
            return null;
        }
        String message = t instanceof MaskedCause ? mask(t.getMessage())
                : t.getClass().getName() + (t.getMessage() == null ? "" : ": " + mask(t.getMessage()));
        MaskedCause copy = new MaskedCause(message, copy(t.getCause(), seen, depth + 1));
        copy.setStackTrace(t.getStackTrace());
        for (Throwable suppressed : t.getSuppressed()) {
            MaskedCause s = copy(suppressed, seen, depth + 1);
            if (s != null) {
                copy.addSuppressed(s);
            }
        }
        return copy;
    }

    /**
     * A cause of a failure as text only: "original.ClassName: masked message", the original stack trace, and its
     * own causes masked the same way. It holds nothing of the original exception that could print a secret.
     */
    static final class MaskedCause extends Exception {
        private static final long serialVersionUID = 1L;

        MaskedCause(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
