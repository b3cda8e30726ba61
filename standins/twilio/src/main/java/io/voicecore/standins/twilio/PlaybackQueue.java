package io.voicecore.standins.twilio;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the server sent to be played to the caller and has not been played yet, as Twilio buffers it on a
 * bidirectional stream: audio in the order received, with marks between, played one 20 ms frame at a time. A mark
 * is reached once the audio before it has played; {@code clear} drops what is left and hands back its marks.
 * Received on the WebSocket's thread, played on the caller's: every method takes the queue's lock.
 */
final class PlaybackQueue {
    /** One tick of playback: the audio played (up to a frame) and the marks its end reached. */
    record Played(byte[] audio, List<String> marks) {
    }

    /** What a {@code clear} dropped. */
    record Cleared(int droppedBytes, List<String> marks) {
    }

    private sealed interface Item {
    }

    private record Audio(byte[] bytes, int[] offset) implements Item {
    }

    private record Mark(String name) implements Item {
    }

    private final Deque<Item> items = new ArrayDeque<>();
    private int bytes;

    synchronized void audio(byte[] mulaw) {
        if (mulaw.length > 0) {
            items.addLast(new Audio(mulaw, new int[] {0}));
            bytes += mulaw.length;
        }
    }

    synchronized void mark(String name) {
        items.addLast(new Mark(name));
    }

    /** @return whether audio is waiting to be played */
    synchronized boolean playing() {
        return bytes > 0;
    }

    /** Plays up to {@code frameBytes} bytes; marks at the front (their audio all played) come with them. */
    synchronized Played play(int frameBytes) {
        ByteArrayOutputStream played = new ByteArrayOutputStream(frameBytes);
        List<String> marks = new ArrayList<>();
        while (!items.isEmpty()) {
            Item head = items.peekFirst();
            if (head instanceof Mark mark) {
                marks.add(mark.name());
                items.removeFirst();
                continue;
            }
            if (played.size() == frameBytes) {
                break;
            }
            Audio audio = (Audio) head;
            int take = Math.min(frameBytes - played.size(), audio.bytes().length - audio.offset()[0]);
            played.write(audio.bytes(), audio.offset()[0], take);
            audio.offset()[0] += take;
            bytes -= take;
            if (audio.offset()[0] == audio.bytes().length) {
                items.removeFirst();
            }
        }
        return new Played(played.toByteArray(), marks);
    }

    /** Drops everything not yet played, as Twilio does on {@code clear}. */
    synchronized Cleared clear() {
        List<String> marks = new ArrayList<>();
        for (Item item : items) {
            if (item instanceof Mark mark) {
                marks.add(mark.name());
            }
        }
        Cleared cleared = new Cleared(bytes, marks);
        items.clear();
        bytes = 0;
        return cleared;
    }
}
