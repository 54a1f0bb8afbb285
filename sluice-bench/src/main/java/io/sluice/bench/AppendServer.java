package io.sluice.bench;

import io.javalin.Javalin;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The telemetry benchmark's baseline (issue 18): the same HTTP server (Javalin on Jetty, loopback), whose
 * {@code POST /v1/telemetry} only appends the body to a file and answers 200: the HTTP ceiling of this machine, against
 * which {@code sluice up}'s telemetry path is compared in the same run.
 * Usage: {@code java -cp ... io.sluice.bench.AppendServer PORT FILE}
 */
public final class AppendServer {
    private AppendServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        FileChannel out = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = "127.0.0.1";
            c.jetty.port = port;
            c.routes.post("/v1/telemetry", ctx -> {
                byte[] body = ctx.bodyAsBytes();
                synchronized (out) {
                    out.write(ByteBuffer.wrap(body));
                }
                ctx.status(200).contentType("application/json").result("{\"accepted\":0}");
            });
        });
        app.start();
        System.err.println("append server on 127.0.0.1:" + port + ", appending to " + args[1]);
    }
}
