package io.sluice.local.migrate;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB server for tests (MIG-1): its own {@code mariadbd --no-defaults} in a temporary folder, on a free
 * loopback port, binary log on, with a user {@code sluice} (password {@link #PASSWORD}) and a database {@code crm};
 * stopped by {@link #close()}. Needs the Debian package mariadb-server ({@code .ci/run} installs it when missing).
 */
final class MariaDbServer implements AutoCloseable {
    static final String PASSWORD = "s3cret-for-tests";
    private final Process process;
    private final int port;
    private final Path dir;

    private MariaDbServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static MariaDbServer start(Path dir) throws Exception {
        String mariadbd = find("mariadbd", "/usr/sbin/mariadbd", "/usr/bin/mariadbd", "/usr/sbin/mysqld");
        String installDb = find("mariadb-install-db", "/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db");
        Path data = Files.createDirectories(dir.resolve("data"));
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> install = new ArrayList<>(List.of(installDb, "--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
                "--skip-test-db"));
        if (root) {
            install.add("--user=root");
        }
        run(install, dir.resolve("install.log"), Duration.ofSeconds(120));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(mariadbd, "--no-defaults", "--datadir=" + data, "--port=" + port,
                "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"), "--pid-file=" + dir.resolve("mysqld.pid"),
                "--log-bin=" + dir.resolve("binlog"), "--server-id=1", "--binlog-format=ROW", "--skip-name-resolve",
                "--innodb-buffer-pool-size=64M", "--log-error=" + dir.resolve("error.log")));
        if (root) {
            cmd.add("--user=root");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("mariadbd.out").toFile()).start();
        MariaDbServer server = new MariaDbServer(p, port, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "")) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE crm");
                    s.execute("CREATE USER 'sluice'@'%' IDENTIFIED BY '" + PASSWORD + "'");
                    s.execute("GRANT ALL ON crm.* TO 'sluice'@'%'");
                    // What sluice migrate --follow needs to read the binary log as a replica (MIG-3).
                    s.execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'sluice'@'%'");
                }
                return server;
            } catch (SQLException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException("mariadbd did not start: " + e.getMessage() + "\n"
                            + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static String find(String name, String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        throw new IllegalStateException(name + " is not installed: the migration tests need a real MariaDB server "
                + "(Debian: apt-get install mariadb-server; .ci/run installs it)");
    }

    private static void run(List<String> cmd, Path log, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd.get(0) + " did not finish in " + timeout);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd.get(0) + " failed (" + p.exitValue() + "): " + Files.readString(log));
        }
    }

    String url() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/crm";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "sluice", PASSWORD);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
