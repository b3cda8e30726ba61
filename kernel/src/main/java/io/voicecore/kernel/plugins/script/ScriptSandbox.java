package io.voicecore.kernel.plugins.script;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.sdk.capability.ScriptException;
import io.voicecore.sdk.capability.ScriptException.Kind;
import io.voicecore.sdk.json.Json;

/**
 * Sandbox layer 6: untrusted JavaScript on GraalVM's polyglot API. One shared {@link Engine} under
 * {@link SandboxPolicy#CONSTRAINED}; contexts pooled per {@link ScriptUnit} (tenant, plugin version, script), so no
 * context is ever shared between tenants. A context has no host class lookup, no IO, no threads, no native access, no
 * other languages, no processes and no environment; its output goes to the plugin's log. Each call runs on one of a
 * fixed set of platform threads under a statement limit (counted afresh per call), a wall-clock deadline and an
 * allocation bound, the last two enforced by a {@link ScriptWatchdog} that cancels the context; a cancelled context is
 * dropped from the pool. Values cross only as JSON copies; the only host objects a script ever sees are the
 * capability wrappers a caller passes for the duration of one call.
 *
 * <p>On a stock JDK the engine runs in interpreter-only mode (no Graal JIT): correct, slower, and its warning silenced.
 */
public final class ScriptSandbox implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScriptSandbox.class.getName());
    /**
     * Idle contexts kept on this node over all keys (tenant, plugin version, script); past it those of the least
     * recently used keys are closed. An idle context holds its script's heap, so this bounds what pooling costs.
     */
    private static final int MAX_IDLE_CONTEXTS = 256;
    /** Stack of a script thread: deep enough for ordinary recursion, small enough that a runaway one ends fast. */
    private static final long SCRIPT_STACK_BYTES = 4L * 1024 * 1024;
    /**
     * Run in each new context before the script: keeps the context's own JSON functions for the boundary (so a script
     * that replaces {@code JSON} only fools itself) and removes the globals that load code or reach other languages.
     */
    private static final String PRELUDE = """
            (function (maxBytes) {
              const parse = JSON.parse, stringify = JSON.stringify;
              for (const name of ['load', 'loadWithNewGlobal', 'Polyglot', 'Java', 'Packages', 'java', 'javax', 'com',
                                  'org', 'edu', 'net', 'quit', 'exit', 'read', 'readbuffer', 'readline', 'require']) {
                delete globalThis[name];
              }
              // Buffers are allocated whole in one step, which the watchdog's sampling could not stop in time.
              const reflectConstruct = Reflect.construct;
              for (const name of ['ArrayBuffer', 'SharedArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
                                  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array',
                                  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
                const original = globalThis[name];
                if (typeof original !== 'function') continue;
                const width = original.BYTES_PER_ELEMENT || 1;
                const guarded = new Proxy(original, {
                  construct(target, args, newTarget) {
                    const first = args[0];
                    const length = typeof first === 'number' ? first
                        : (first !== null && typeof first === 'object' && typeof first.length === 'number') ? first.length : 0;
                    if (length * width > maxBytes) {
                      throw new RangeError(name + ' of ' + length + ' elements is larger than a script may allocate');
                    }
                    return reflectConstruct(target, args, newTarget === guarded ? target : newTarget);
                  }
                });
                Object.defineProperty(globalThis, name, {value: guarded, writable: true, configurable: true, enumerable: false});
              }
              return [text => parse(text), value => stringify(value)];
            })(%d)
            """;

    private final KernelConfig.Scripts limits;
    private final ExecutorService threads;
    private final ScriptWatchdog watchdog = new ScriptWatchdog();
    private final Map<String, Deque<PooledContext>> idle = new LinkedHashMap<>(16, 0.75f, true);
    /** Contexts in {@link #idle}, guarded by it. */
    private int idleCount;
    private volatile Engine engine;

    public ScriptSandbox(KernelConfig.Scripts limits) {
        this.limits = limits;
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(null, task, "voicecore-script-" + count.incrementAndGet(), SCRIPT_STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        };
        this.threads = Executors.newFixedThreadPool(limits.threads(), factory);
    }

    /** The limits every call runs under. */
    public KernelConfig.Scripts limits() {
        return limits;
    }

    /** What a call hands the script besides its input: capability wrappers, made for the call's bridge. */
    @FunctionalInterface
    public interface Extras {
        /** No extra arguments: the script sees only its input. */
        Extras NONE = bridge -> new Object[0];

        Object[] arguments(ScriptBridge bridge);
    }

    /**
     * Runs the script's top level and checks it defines {@code function}.
     *
     * @throws ScriptException {@code INVALID} when it does not compile or lacks the function, {@code LIMIT} or
     *                         {@code FAILED} when its top level exceeds a limit or throws
     */
    public void check(ScriptUnit unit, String function) {
        run(unit, function, null, limits.timeout(), Extras.NONE);
    }

    /**
     * Calls {@code function(input, ...extras)} and answers its result as JSON.
     *
     * @param timeout the call's deadline, capped by {@code scripts.timeout}
     * @throws ScriptException when the script does not compile, throws, answers something that is not JSON or exceeds
     *                         a limit
     * @throws RuntimeException what a capability wrapper threw, unchanged (e.g. a refused permission), when the script
     *                          did not catch it
     */
    public Json call(ScriptUnit unit, String function, Json input, Duration timeout, Extras extras) {
        return run(unit, function, input, timeout.compareTo(limits.timeout()) < 0 ? timeout : limits.timeout(), extras);
    }

    private Json run(ScriptUnit unit, String function, Json input, Duration timeout, Extras extras) {
        AtomicReference<ScriptWatchdog.Watched> running = new AtomicReference<>();
        Future<Json> result = threads.submit(() -> runHere(unit, function, input, timeout, extras, running));
        try {
            return result.get();
        } catch (InterruptedException e) {
            // the caller gave up (e.g. its own deadline passed): cancel the script's context rather than interrupt the
            // script thread, and leave the thread to the next call
            result.cancel(false);
            ScriptWatchdog.Watched watched = running.get();
            if (watched != null) {
                watched.stop(ScriptWatchdog.Reason.ABANDONED);
            }
            Thread.currentThread().interrupt();
            throw new ScriptException(Kind.LIMIT, "The script call was abandoned by its caller.", 0);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("script call failed", e.getCause());
        }
    }

    private Json runHere(ScriptUnit unit, String function, Json input, Duration timeout, Extras extras,
                         AtomicReference<ScriptWatchdog.Watched> running) {
        String key = unit.poolKey();
        PooledContext pooled = borrow(key);
        boolean fresh = pooled == null;
        if (fresh) {
            pooled = PooledContext.create(engine(), limits, unit);
        }
        ScriptWatchdog.Watched watched = watchdog.start(pooled.context, timeout.toNanos(), limits.maxAllocatedBytes());
        running.set(watched);
        ScriptBridge bridge = null;
        boolean reusable = false;
        try {
            pooled.context.resetLimits();
            pooled.out.newCall();
            pooled.err.newCall();
            if (fresh) {
                pooled.evaluate(unit);
            }
            Value target = pooled.context.getBindings("js").getMember(function);
            if (target == null || !target.canExecute()) {
                throw new ScriptException(Kind.INVALID, unit.name() + " does not define a top-level function '" + function
                                                        + "'.", 0);
            }
            Json answer = null;
            if (input != null) {
                bridge = new ScriptBridge(pooled.parse, pooled.stringify);
                Object[] extra = extras.arguments(bridge);
                Object[] arguments = new Object[extra.length + 1];
                arguments[0] = bridge.toGuest(input);
                System.arraycopy(extra, 0, arguments, 1, extra.length);
                Value returned = target.execute(arguments);
                try {
                    answer = bridge.toJson(returned);
                } catch (IllegalArgumentException notJson) {
                    throw new ScriptException(Kind.FAILED, "The function '" + function + "' of " + unit.name()
                                                           + " returned a value that is not JSON: " + notJson.getMessage(), 0);
                }
            }
            reusable = true;
            return answer;
        } catch (PolyglotException e) {
            throw translate(e, unit, watched, timeout);
        } catch (StackOverflowError e) {
            throw new ScriptException(Kind.LIMIT, unit.name() + " recursed too deeply and was stopped.", 0);
        } finally {
            watchdog.finish(watched);
            if (bridge != null) {
                bridge.close();
            }
            if (reusable && watched.stopped() == null) {
                release(key, pooled);
            } else {
                pooled.close();
            }
        }
    }

    private RuntimeException translate(PolyglotException e, ScriptUnit unit, ScriptWatchdog.Watched watched, Duration timeout) {
        int line = line(e, unit);
        ScriptWatchdog.Reason stopped = watched.stopped();
        if (stopped == ScriptWatchdog.Reason.DEADLINE) {
            return new ScriptException(Kind.LIMIT, unit.name() + " ran longer than " + timeout.toMillis()
                                                   + " ms and was stopped.", line);
        }
        if (stopped == ScriptWatchdog.Reason.MEMORY) {
            return new ScriptException(Kind.LIMIT, unit.name() + " allocated more than " + limits.maxAllocatedBytes()
                                                   + " bytes in one call (" + watched.allocatedWhenStopped()
                                                   + " when stopped) and was stopped.", line);
        }
        if (stopped == ScriptWatchdog.Reason.ABANDONED) {
            return new ScriptException(Kind.LIMIT, unit.name() + " was stopped: its caller gave up waiting.", line);
        }
        if (e.isHostException()) {
            Throwable host = e.asHostException();
            if (host instanceof ScriptCapabilityExpired expired) {
                return new ScriptException(Kind.FAILED, expired.getMessage(), line);
            }
            return host instanceof RuntimeException runtime ? runtime : new IllegalStateException(host);
        }
        if (e.isResourceExhausted() || e.isCancelled()) {
            String what = e.isResourceExhausted() && String.valueOf(e.getMessage()).contains("tatement")
                    ? "ran more than " + limits.statementLimit() + " statements"
                    : "exhausted its resources (" + e.getMessage() + ")";
            return new ScriptException(Kind.LIMIT, unit.name() + " " + what + " and was stopped.", line);
        }
        if (e.isSyntaxError()) {
            return new ScriptException(Kind.INVALID, unit.name() + " does not compile: " + e.getMessage(), line);
        }
        if (e.isGuestException()) {
            if (String.valueOf(e.getMessage()).contains("Maximum call stack size exceeded")) {
                return new ScriptException(Kind.LIMIT, unit.name() + " recursed too deeply and was stopped.", line);
            }
            return new ScriptException(Kind.FAILED, unit.name() + " threw " + e.getMessage(), line);
        }
        LOG.log(Level.WARNING, "script engine failure in " + unit.name() + " of " + unit.owner(), e);
        return new ScriptException(Kind.FAILED, unit.name() + " failed inside the script engine.", line);
    }

    /** The script's own line the failure happened on, or 0. */
    private static int line(PolyglotException e, ScriptUnit unit) {
        if (e.getSourceLocation() != null && unit.name().equals(e.getSourceLocation().getSource().getName())) {
            return e.getSourceLocation().getStartLine();
        }
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame() && frame.getSourceLocation() != null
                && unit.name().equals(frame.getSourceLocation().getSource().getName())) {
                return frame.getSourceLocation().getStartLine();
            }
        }
        return 0;
    }

    /** Closes the idle contexts of every script of every version of a plugin (uninstalled or replaced). */
    public void release(String pluginId) {
        List<PooledContext> closing = new ArrayList<>();
        synchronized (idle) {
            for (Iterator<Map.Entry<String, Deque<PooledContext>>> it = idle.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Deque<PooledContext>> entry = it.next();
                if (entry.getKey().split("/", 3)[1].startsWith(pluginId + "@")) {
                    closing.addAll(entry.getValue());
                    idleCount -= entry.getValue().size();
                    it.remove();
                }
            }
        }
        closing.forEach(PooledContext::close);
    }

    /** Idle contexts kept for the unit's pool key, for tests and diagnostics. */
    int idleContexts(ScriptUnit unit) {
        synchronized (idle) {
            Deque<PooledContext> pool = idle.get(unit.poolKey());
            return pool == null ? 0 : pool.size();
        }
    }

    private PooledContext borrow(String key) {
        synchronized (idle) {
            Deque<PooledContext> pool = idle.get(key);
            PooledContext context = pool == null ? null : pool.pollFirst();
            if (context != null) {
                idleCount--;
            }
            return context;
        }
    }

    private void release(String key, PooledContext context) {
        List<PooledContext> closing = new ArrayList<>();
        synchronized (idle) {
            Deque<PooledContext> pool = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (pool.size() < limits.pooledContexts()) {
                pool.addFirst(context);
                idleCount++;
            } else {
                closing.add(context);
            }
            Iterator<Map.Entry<String, Deque<PooledContext>>> eldest = idle.entrySet().iterator();
            while (idleCount > MAX_IDLE_CONTEXTS && eldest.hasNext()) {
                Deque<PooledContext> evicted = eldest.next().getValue();
                closing.addAll(evicted);
                idleCount -= evicted.size();
                eldest.remove();
            }
        }
        closing.forEach(PooledContext::close);
    }

    private Engine engine() {
        Engine current = engine;
        if (current == null) {
            synchronized (this) {
                if (engine == null) {
                    engine = Engine.newBuilder("js")
                            .sandbox(SandboxPolicy.CONSTRAINED)
                            .out(new ScriptLog("engine", "-", Level.INFO))
                            .err(new ScriptLog("engine", "-", Level.WARNING))
                            .option("engine.WarnInterpreterOnly", "false")
                            .build();
                }
                current = engine;
            }
        }
        return current;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        watchdog.close();
        List<PooledContext> closing = new ArrayList<>();
        synchronized (idle) {
            idle.values().forEach(closing::addAll);
            idle.clear();
            idleCount = 0;
        }
        closing.forEach(PooledContext::close);
        synchronized (this) {
            if (engine != null) {
                engine.close(true);
            }
        }
    }

    /** A context with the script evaluated in it, and its JSON functions kept from before the script ran. */
    private static final class PooledContext {
        final Context context;
        final Value parse;
        final Value stringify;
        final ScriptLog out;
        final ScriptLog err;

        private PooledContext(Context context, Value parse, Value stringify, ScriptLog out, ScriptLog err) {
            this.context = context;
            this.parse = parse;
            this.stringify = stringify;
            this.out = out;
            this.err = err;
        }

        static PooledContext create(Engine engine, KernelConfig.Scripts limits, ScriptUnit unit) {
            String pluginId = unit.owner().split("@", 2)[0];
            ScriptLog out = new ScriptLog(pluginId, unit.tenantId().toString(), Level.INFO);
            ScriptLog err = new ScriptLog(pluginId, unit.tenantId().toString(), Level.WARNING);
            Context context = Context.newBuilder("js")
                    .engine(engine)
                    .sandbox(SandboxPolicy.CONSTRAINED)
                    .out(out)
                    .err(err)
                    .allowHostAccess(HostAccess.CONSTRAINED)
                    .allowHostClassLookup(className -> false)
                    .allowHostClassLoading(false)
                    .allowIO(IOAccess.NONE)
                    .allowCreateThread(false)
                    .allowCreateProcess(false)
                    .allowNativeAccess(false)
                    .allowPolyglotAccess(PolyglotAccess.NONE)
                    .allowEnvironmentAccess(EnvironmentAccess.NONE)
                    .resourceLimits(ResourceLimits.newBuilder().statementLimit(limits.statementLimit(), null).build())
                    .build();
            try {
                Value json = context.eval(Source.newBuilder("js", PRELUDE.formatted(limits.maxAllocatedBytes()), "voicecore-prelude.js").buildLiteral());
                return new PooledContext(context, json.getArrayElement(0), json.getArrayElement(1), out, err);
            } catch (RuntimeException e) {
                context.close(true);
                throw e;
            }
        }

        void evaluate(ScriptUnit unit) {
            context.eval(Source.newBuilder("js", unit.source(), unit.name()).buildLiteral());
        }

        void close() {
            try {
                context.close(true);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a script context", e);
            }
        }
    }
}
