package io.jenkins.plugins.servicenowflashduty.client.http;

/** What kind of failure an {@link ApiException} reports, for callers that react differently to each. */
public enum Problem {
    /** Bad input, caught before anything was sent or refused by the server as malformed. */
    INVALID_INPUT,
    /** Wrong or expired credentials. */
    BAD_CREDENTIALS,
    /** The account lacks a role or an ACL refused the operation. */
    FORBIDDEN,
    /** The record, table, API or URL does not exist (or is hidden). */
    NOT_FOUND,
    /** A business rule or data policy refused the write. */
    REFUSED,
    /** Too many requests; the server asked us to wait. */
    RATE_LIMITED,
    /** The server failed. */
    SERVER_ERROR,
    /** No connection: refused, unknown host, network or proxy. */
    UNREACHABLE,
    /** No answer in time. */
    TIMEOUT,
    /** The thread was interrupted (the build was aborted): nothing more is known about the request. */
    INTERRUPTED,
    /** The TLS handshake failed (certificate, protocol). */
    TLS,
    /** An answer the client could not make sense of. */
    UNEXPECTED_RESPONSE
}
