package io.jenkins.plugins.servicenowflashduty.client.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body read whole, but never more than a bound: a server (or a proxy in front of it) that sends
 * without end cannot fill the controller's heap. Past the bound the exchange is cancelled and the body fails
 * with {@link TooLarge}.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The largest answer the client reads: a 10,000-row query is a few MiB. */
    static final long MAX_BYTES = 32L * 1024 * 1024;

    private final HttpResponse.BodySubscriber<byte[]> whole = HttpResponse.BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final long max;
    private Flow.Subscription subscription;
    private long seen;

    private CappedBody(long max) {
        this.max = max;
        whole.getBody().whenComplete((body, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(body);
            }
        });
    }

    /** A handler that reads each answer's body with this bound. */
    static HttpResponse.BodyHandler<byte[]> handler(long max) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            CappedBody body = new CappedBody(max);
            if (declared > max) {
                body.result.completeExceptionally(new TooLarge(max));
            }
            return body;
        };
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
            return;
        }
        whole.onSubscribe(s);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            seen += b.remaining();
        }
        if (seen > max) {
            subscription.cancel();
            result.completeExceptionally(new TooLarge(max));
            return;
        }
        whole.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
        whole.onError(t);
    }

    @Override
    public void onComplete() {
        whole.onComplete();
    }

    /** The answer is larger than the client reads. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long max;

        TooLarge(long max) {
            super("the answer is larger than " + max + " bytes");
            this.max = max;
        }
    }
}
