package io.voicecore.standins.stripe;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The scripted faults still to happen, in the order they were added. Thread-safe. */
final class Faults {
    private final List<Pending> pending = new ArrayList<>();

    private static final class Pending {
        final Fault fault;
        int left;

        Pending(Fault fault) {
            this.fault = fault;
            this.left = fault.times();
        }
    }

    synchronized void add(Fault fault) {
        pending.add(new Pending(fault));
    }

    /** @return the first fault matching the request, counted as used once more */
    synchronized Optional<Fault> take(String method, String path) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending next = it.next();
            if (next.fault.matches(method, path)) {
                if (--next.left == 0) {
                    it.remove();
                }
                return Optional.of(next.fault);
            }
        }
        return Optional.empty();
    }

    /** @return how many matching requests the faults still apply to */
    synchronized int remaining() {
        return pending.stream().mapToInt(p -> p.left).sum();
    }

    synchronized void clear() {
        pending.clear();
    }
}
