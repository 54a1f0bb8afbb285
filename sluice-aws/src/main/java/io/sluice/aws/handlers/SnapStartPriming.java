package io.sluice.aws.handlers;

import io.sluice.core.pipeline.CdrPipelineConfig;
import io.sluice.core.pipeline.memory.InMemoryStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming (INF-9, cold start): before Lambda takes the snapshot, the sample Kinesis events of
 * docs/events run through a real {@link CdrStreamHandler} over throwaway in-memory ports, so the snapshot holds
 * loaded, initialised and partly compiled code (JSON decoding, CSV parsing, phone-number metadata) and nothing
 * is written anywhere. After a restore there is nothing to renew: the SDK clients open new connections when
 * they need them, credentials come from the environment, and every random draw (backoff jitter, error ids) comes
 * from {@link java.security.SecureRandom}.
 *
 * <p>Registered by the handlers' production constructors; outside a CRaC-enabled JVM (tests, {@code sluice
 * invoke}) registering does nothing and no priming runs.
 */
public final class SnapStartPriming implements Resource {
    private static final String[] EVENTS = {"kinesis-asterisk-csv.json", "kinesis-json-lines.json"};
    /** CRaC keeps registered resources weakly: this reference keeps the hook alive. */
    private static SnapStartPriming registered;

    private SnapStartPriming() {
    }

    static synchronized void register() {
        if (registered == null) {
            registered = new SnapStartPriming();
            Core.getGlobalContext().register(registered);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to renew (see the class comment)
    }

    /** Runs the priming events; returns the records the handler accepted, which tests check. */
    static long prime() {
        InMemoryStores throwaway = new InMemoryStores(false);
        Wiring w = Wiring.overMemory(CdrPipelineConfig.defaults(), throwaway, "priming");
        CdrStreamHandler handler = new CdrStreamHandler(w, new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        for (String name : EVENTS) {
            try (InputStream event = SnapStartPriming.class.getResourceAsStream("/io/sluice/aws/priming/" + name)) {
                if (event == null) {
                    throw new IllegalStateException("priming event " + name + " is missing from the jar");
                }
                handler.handleRequest(event, new ByteArrayOutputStream(), null);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read priming event " + name, e);
            }
        }
        return throwaway.archivedCount();
    }
}
