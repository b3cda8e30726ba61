package io.voicecore.kernel.plugins.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects a response body while it streams in and gives up (cancelling the transfer) as soon as it would
 * exceed the limit, so an oversized response is never held in memory. A declared {@code Content-Length}
 * above the limit fails before the first byte is read.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The response was larger than allowed. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the response body exceeds the limit of " + limit + " bytes");
        }
    }

    private final long limit;
    private final long declaredLength;
    private final AtomicLong received;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    /**
     * @param limit          the most bytes to accept
     * @param declaredLength the response's {@code Content-Length}, or -1
     * @param received       counts the bytes received, also when the transfer fails
     */
    LimitedBody(long limit, long declaredLength, AtomicLong received) {
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.received = received;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (declaredLength > limit) {
            subscription.cancel();
            result.completeExceptionally(new TooLarge(limit));
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int length = item.remaining();
            if (received.addAndGet(length) > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] chunk = new byte[length];
            item.get(chunk);
            buffer.write(chunk, 0, length);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }
}
