package io.voicecore.kernel.plugins.runtime;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import io.voicecore.kernel.plugins.sandbox.CallGuard;

/**
 * The body stream a plugin's {@code BodyWriter} writes to: buffered, crediting the call's allocation allowance per
 * byte written ({@link CallGuard#credit}), and unable to end the body itself ({@link #close()} only flushes): the
 * kernel ends it after the writer returned normally, and cuts it when the writer failed. It remembers whether
 * writing failed because the receiver went away, and whether the plugin is blocked writing because the receiver
 * does not read, neither of which is the plugin's fault.
 */
final class StreamedResponseBody extends OutputStream {
    private final OutputStream target;
    private final long creditPerByte;
    private long written;
    private volatile boolean failed;
    private volatile boolean waiting;
    private volatile boolean ended;

    StreamedResponseBody(OutputStream target, long creditPerByte) {
        this.target = new BufferedOutputStream(target, 16 * 1024);
        this.creditPerByte = creditPerByte;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        if (ended) {
            throw new IOException("The response body can only be written during the call that answered the request.");
        }
        waiting = true;
        try {
            target.write(buffer, offset, length);
        } catch (IOException | RuntimeException e) {
            failed = true; // set before waiting clears, so the kernel sees one or the other at any moment
            throw e;
        } finally {
            waiting = false;
        }
        written += length;
        CallGuard.credit(length * creditPerByte);
    }

    @Override
    public void flush() throws IOException {
        if (ended) {
            throw new IOException("The response body can only be written during the call that answered the request.");
        }
        waiting = true;
        try {
            target.flush();
        } catch (IOException | RuntimeException e) {
            failed = true; // set before waiting clears, so the kernel sees one or the other at any moment
            throw e;
        } finally {
            waiting = false;
        }
    }

    /** Flushes; the body ends when the writer returns, not when it closes the stream. */
    @Override
    public void close() throws IOException {
        flush();
    }

    /** Called when the call ended: later writes fail. */
    void end() {
        ended = true;
    }

    /** @return whether writing failed because of the receiver's connection */
    boolean failed() {
        return failed;
    }

    /** @return whether the plugin is blocked writing, waiting for the receiver to take more */
    boolean waiting() {
        return waiting;
    }

    /** @return the bytes written so far */
    long bytesWritten() {
        return written;
    }
}
