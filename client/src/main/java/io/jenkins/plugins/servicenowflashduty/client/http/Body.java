package io.jenkins.plugins.servicenowflashduty.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.Objects;

/**
 * A request body: bytes in memory, or a stream of known length (an attachment) that is opened afresh for
 * every attempt, so a retry sends the whole content again.
 */
public abstract class Body {
    private Body() {
    }

    /** How many bytes the body has. */
    public abstract long length();

    /** A publisher for one attempt; the stream it opened, if any, is closed by {@link Opened#close()}. */
    abstract Opened open() throws IOException;

    /** One attempt's publisher and the stream behind it. */
    record Opened(HttpRequest.BodyPublisher publisher, InputStream stream) implements AutoCloseable {
        @Override
        public void close() {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // the attempt is over; nothing to tell the user
                }
            }
        }
    }

    /** Opens the content; called once per attempt. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    public static Body of(byte[] bytes) {
        Objects.requireNonNull(bytes);
        return new Body() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            Opened open() {
                return new Opened(HttpRequest.BodyPublishers.ofByteArray(bytes), null);
            }

            @Override
            public String toString() {
                return bytes.length + " bytes";
            }
        };
    }

    /** A streamed body of exactly {@code length} bytes. */
    public static Body stream(long length, Source source) {
        Objects.requireNonNull(source);
        if (length < 0) {
            throw new IllegalArgumentException("length");
        }
        return new Body() {
            @Override
            public long length() {
                return length;
            }

            @Override
            Opened open() throws IOException {
                InputStream in = source.open();
                return new Opened(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> in), length), in);
            }

            @Override
            public String toString() {
                return length + " bytes, streamed";
            }
        };
    }
}
