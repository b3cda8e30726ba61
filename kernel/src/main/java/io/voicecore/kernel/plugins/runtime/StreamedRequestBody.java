package io.voicecore.kernel.plugins.runtime;

import java.io.IOException;
import java.io.InputStream;

import io.voicecore.kernel.plugins.sandbox.CallGuard;

/**
 * The request body of a streaming route as plugin code reads it: unbuffered, cut at the kernel's limit
 * ({@code plugins.max-stream-bytes}), and crediting the call's allocation allowance per byte read
 * ({@link CallGuard#credit}). It remembers whether it was cut, whether the caller's connection failed and whether
 * the plugin is waiting for the caller to send more, so the kernel answers 413 and does not hold the caller's
 * behaviour (a body too large, a broken or stalled upload) against the plugin as a fault.
 */
final class StreamedRequestBody extends InputStream {
    private final InputStream source;
    private final long limit;
    private final long creditPerByte;
    private long read;
    private volatile boolean exceeded;
    private volatile boolean failed;
    private volatile boolean waiting;
    private volatile boolean ended;

    StreamedRequestBody(InputStream source, long limit, long creditPerByte) {
        this.source = source;
        this.limit = limit;
        this.creditPerByte = creditPerByte;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (ended) {
            throw new IOException("The request body can only be read during the call that received it.");
        }
        if (exceeded) {
            throw tooLarge();
        }
        if (length == 0) {
            return 0;
        }
        // One byte more than the limit is asked for, so a body of exactly the limit is not mistaken for a larger one.
        int ask = (int) Math.min(length, limit - read + 1);
        int n;
        waiting = true;
        try {
            n = source.read(buffer, offset, ask);
        } catch (IOException | RuntimeException e) {
            failed = true; // set before waiting clears, so the kernel sees one or the other at any moment
            throw e;
        } finally {
            waiting = false;
        }
        if (n < 0) {
            return -1;
        }
        read += n;
        if (read > limit) {
            exceeded = true;
            throw tooLarge();
        }
        CallGuard.credit(n * creditPerByte);
        return n;
    }

    private IOException tooLarge() {
        return new IOException("The request body exceeds the limit of " + limit + " bytes (plugins.max-stream-bytes).");
    }

    /** Closing only stops reading; the kernel disposes of what the caller still sends. */
    @Override
    public void close() {
        ended = true;
    }

    /** Called when the call ended: later reads fail. */
    void end() {
        ended = true;
    }

    /** @return whether the body went past the limit */
    boolean exceeded() {
        return exceeded;
    }

    /** @return whether reading failed because of the caller's connection */
    boolean failed() {
        return failed;
    }

    /** @return whether the plugin is blocked reading, waiting for the caller to send more */
    boolean waiting() {
        return waiting;
    }

    /** @return the bytes read so far */
    long bytesRead() {
        return read;
    }
}
