package io.wharf.server.cli;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a callback on a normal thread, so the main thread can shut down in
 * order and exit 0 — a JVM shutdown hook would end the process with status 143 instead.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> action.run());
        }
    }
}
