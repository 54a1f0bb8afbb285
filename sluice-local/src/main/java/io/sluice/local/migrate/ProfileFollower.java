package io.sluice.local.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import io.sluice.core.cdr.SubscriberProfile;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ongoing changes after the full load (MIG-3): the source's binary log, read as a replica reads it (the binlog client
 * Debezium's own connectors are built on), its inserts, updates and deletes of the profile table applied to the
 * profile store in commit order, one source transaction at a time. After each transaction the position after its
 * commit is saved ({@code profiles-TABLE.follow.json}, synced, replaced atomically): a restart resumes there, so no
 * change is missed; a transaction applied but not yet saved when the process died is applied again, which changes
 * nothing (an upsert or delete of the same rows). The first run starts where the full load began, so changes made
 * while it read are applied too. Needs {@code binlog_format=ROW} with full row images (MariaDB's and MySQL's default
 * images) and a user with REPLICATION SLAVE and REPLICATION CLIENT.
 */
public final class ProfileFollower {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the changes go; each call commits before it returns. */
    public interface Target {
        long write(List<SubscriberProfile> profiles);

        long delete(List<String> msisdns);
    }

    /** Totals of this follower since it started. */
    public record Totals(long transactions, long upserts, long deletes, long rejected, String file, long position) {
    }

    private final MigrationSource source;
    private final ProfileRows rows;
    private final Path offsetFile;
    private final Path deadLetters;
    private final ProfileMigration migration;
    private final AtomicReference<BinaryLogClient> client = new AtomicReference<>();
    private volatile Totals totals = new Totals(0, 0, 0, 0, null, 0);
    private volatile String failure;

    public ProfileFollower(MigrationSource source, ProfileRows rows, ProfileMigration migration, Path dir) {
        this.source = source;
        this.rows = rows;
        this.migration = migration;
        this.offsetFile = dir.resolve(migration.name() + ".follow.json");
        this.deadLetters = migration.deadLetterFile();
    }

    public Totals totals() {
        return totals;
    }

    public Path offsetFile() {
        return offsetFile;
    }

    /** Where it starts: the saved offset, else where the full load began, else the log's end now (said in {@code why}). */
    public MigrationSource.BinlogPosition startPosition(Connection c, StringBuilder why) {
        Optional<MigrationSource.BinlogPosition> saved = readOffset();
        if (saved.isPresent()) {
            why.append("resuming after the last applied change");
            return saved.get();
        }
        Optional<MigrationSource.BinlogPosition> load = migration.loadStartedAt();
        if (load.isPresent()) {
            why.append("from where the full load began");
            return load.get();
        }
        why.append("from now: no full load recorded where the log stood (changes before now are not applied)");
        return source.binlogPosition(c).orElseThrow(() -> new IllegalArgumentException(source.displayUrl()
                + " keeps no binary log: start it with log_bin and binlog_format=ROW to follow its changes"));
    }

    /**
     * Follows until {@link #stop()} (or the connection fails for good: then it throws). Blocks the calling thread.
     */
    public void run(Target target, java.util.function.Consumer<String> info) {
        MigrationSource.BinlogPosition start;
        Map<String, Integer> ordinals;
        StringBuilder why = new StringBuilder();
        try (Connection c = source.connect()) {
            start = startPosition(c, why);
            ordinals = source.ordinals(c);
        } catch (java.sql.SQLException e) {
            throw new MigrationSource.SourceException("cannot read " + source.displayUrl() + ": " + MigrationSource.firstLine(e.getMessage()), e);
        }
        java.net.InetSocketAddress at = source.address();
        BinaryLogClient b = new BinaryLogClient(at.getHostString(), at.getPort(), source.user(), source.password());
        b.setServerId(1_000_000_000L + (ProcessHandle.current().pid() % 1_000_000L));
        b.setBinlogFilename(start.file());
        b.setBinlogPosition(start.position());
        b.setKeepAlive(false);
        EventDeserializer d = new EventDeserializer();
        d.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        b.setEventDeserializer(d);
        Applier applier = new Applier(target, ordinals, start);
        // The reader (this thread, inside connect) queues events; the applier applies what is queued, a group of
        // transactions at a time (one write per run of upserts or deletes, one offset after the group's last commit).
        java.util.concurrent.BlockingQueue<Event> queue = new java.util.concurrent.ArrayBlockingQueue<>(QUEUED_EVENTS);
        b.registerEventListener(e -> {
            try {
                queue.put(e);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        client.set(b);
        Thread applying = new Thread(() -> applier.drain(queue), "sluice-follow-apply");
        applying.setDaemon(true);
        applying.start();
        info.accept("following the binary log of " + source.displayUrl() + " at " + start.file() + ":" + start.position() + ", " + why);
        try {
            b.connect();
        } catch (IOException e) {
            throw new MigrationSource.SourceException("cannot follow the binary log of " + source.displayUrl() + ": " + e.getMessage(), e);
        } finally {
            applier.finish();
            try {
                applying.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Events read ahead of the applier at most; a full queue holds the reader back (and the server's sending). */
    private static final int QUEUED_EVENTS = 50_000;

    /** Stops following after the transaction being applied; {@link #run} returns. */
    public void stop() {
        BinaryLogClient b = client.get();
        if (b != null) {
            try {
                b.disconnect();
            } catch (IOException e) {
                // disconnecting a connection that is already gone
            }
        }
    }

    /** One change, in order: an upsert of a profile or a delete of a number. */
    private record Change(SubscriberProfile upsert, String delete) {
    }

    private final class Applier {
        private final Target target;
        private final Map<String, Integer> ordinals;
        private final Map<Long, Boolean> ours = new java.util.HashMap<>();
        /** Changes of committed transactions not applied yet, then those of the transaction still open. */
        private final List<Change> pending = new ArrayList<>();
        private int committedChanges;
        private final StringBuilder rejected = new StringBuilder();
        private int committedRejectedChars;
        private long rejectedCount;
        private long committedRejected;
        private long committedTransactions;
        private String file;
        private MigrationSource.BinlogPosition committedAt;
        private volatile boolean finished;

        Applier(Target target, Map<String, Integer> ordinals, MigrationSource.BinlogPosition start) {
            this.target = target;
            this.ordinals = ordinals;
            this.file = start.file();
            totals = new Totals(0, 0, 0, 0, start.file(), start.position());
        }

        void finish() {
            finished = true;
        }

        /** Applies queued events until the reader stopped and the queue is empty: a group per drain. */
        void drain(java.util.concurrent.BlockingQueue<Event> queue) {
            List<Event> group = new ArrayList<>();
            try {
                while (true) {
                    Event first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (finished && queue.isEmpty()) {
                            return;
                        }
                        continue;
                    }
                    group.add(first);
                    queue.drainTo(group, QUEUED_EVENTS);
                    for (Event e : group) {
                        handle(e);
                    }
                    group.clear();
                    applyCommitted();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException failed) {
                failure = "stopped following: " + failed.getMessage();
                stop();
            }
        }

        private void handle(Event e) {
            EventType type = e.getHeader().getEventType();
            switch (type) {
                case ROTATE -> file = ((RotateEventData) e.getData()).getBinlogFilename();
                case TABLE_MAP -> {
                    TableMapEventData t = e.getData();
                    ours.put(t.getTableId(), t.getDatabase().equalsIgnoreCase(source.database())
                            && t.getTable().equalsIgnoreCase(source.tableName()));
                }
                case WRITE_ROWS, EXT_WRITE_ROWS -> {
                    WriteRowsEventData w = e.getData();
                    if (ours.getOrDefault(w.getTableId(), false)) {
                        w.getRows().forEach(r -> upsert(r));
                    }
                }
                case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                    UpdateRowsEventData u = e.getData();
                    if (ours.getOrDefault(u.getTableId(), false)) {
                        for (Map.Entry<Serializable[], Serializable[]> r : u.getRows()) {
                            SubscriberProfile before = profile(r.getKey(), false);
                            SubscriberProfile after = upsert(r.getValue());
                            if (before != null && (after == null || !after.msisdn().equals(before.msisdn()))) {
                                pending.add(new Change(null, before.msisdn()));
                            }
                        }
                    }
                }
                case DELETE_ROWS, EXT_DELETE_ROWS -> {
                    DeleteRowsEventData del = e.getData();
                    if (ours.getOrDefault(del.getTableId(), false)) {
                        for (Serializable[] r : del.getRows()) {
                            SubscriberProfile gone = profile(r, false);
                            if (gone != null) {
                                pending.add(new Change(null, gone.msisdn()));
                            }
                        }
                    }
                }
                case XID -> commit(e);
                case QUERY -> {
                    String sql = ((QueryEventData) e.getData()).getSql();
                    if ("COMMIT".equalsIgnoreCase(sql.strip())) {
                        commit(e); // a table without transactions (MyISAM) ends its statement so
                    }
                }
                default -> {
                    // GTIDs, heartbeats, other tables' events: nothing to apply
                }
            }
        }

        private SubscriberProfile upsert(Serializable[] row) {
            SubscriberProfile p = profile(row, true);
            if (p != null) {
                pending.add(new Change(p, null));
            }
            return p;
        }

        /** The row's profile, or null; a row that is none is a dead letter when {@code report} (the new image). */
        private SubscriberProfile profile(Serializable[] row, boolean report) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String f : MigrationSource.FIELDS) {
                fields.put(f, text(row[ordinals.get(f)]));
            }
            MigrationSource.Row r = new MigrationSource.Row(text(row[ordinals.get("key")]), fields);
            ProfileRows.Outcome o = rows.of(r);
            if (o.profile() == null && report) {
                ObjectNode n = JSON.createObjectNode();
                n.put("key", r.key()).put("reason", o.reason()).put("change", "binlog");
                ObjectNode values = n.putObject("row");
                fields.forEach((k, v) -> values.put(source.columns().get(k), v));
                rejected.append(n).append('\n');
                rejectedCount++;
            }
            return o.profile();
        }

        /** A transaction ends: what it changed is committed, to be applied with the rest of the group. */
        private void commit(Event e) {
            if (pending.size() > committedChanges || rejected.length() > committedRejectedChars) {
                committedTransactions++;
            }
            committedChanges = pending.size();
            committedRejectedChars = rejected.length();
            committedRejected = rejectedCount;
            committedAt = new MigrationSource.BinlogPosition(file, ((EventHeaderV4) e.getHeader()).getNextPosition());
        }

        /** Applies the committed transactions in order, then saves the position after the last of them. */
        private void applyCommitted() {
            if (committedAt == null) {
                return;
            }
            long upserts = 0;
            long deletes = 0;
            int i = 0;
            while (i < committedChanges) {
                boolean up = pending.get(i).upsert() != null;
                int j = i;
                while (j < committedChanges && (pending.get(j).upsert() != null) == up) {
                    j++;
                }
                List<Change> run = pending.subList(i, j);
                if (up) {
                    upserts += target.write(run.stream().map(Change::upsert).toList());
                } else {
                    deletes += target.delete(run.stream().map(Change::delete).toList());
                }
                i = j;
            }
            pending.subList(0, committedChanges).clear();
            committedChanges = 0;
            if (committedRejectedChars > 0) {
                append(rejected.substring(0, committedRejectedChars));
                rejected.delete(0, committedRejectedChars);
                committedRejectedChars = 0;
            }
            Totals t = totals;
            totals = new Totals(t.transactions() + committedTransactions, t.upserts() + upserts, t.deletes() + deletes,
                    t.rejected() + committedRejected, committedAt.file(), committedAt.position());
            rejectedCount -= committedRejected;
            committedRejected = 0;
            committedTransactions = 0;
            writeOffset(committedAt);
            committedAt = null;
        }
    }

    private static String text(Serializable v) {
        if (v == null) {
            return null;
        }
        return v instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(v);
    }

    private Optional<MigrationSource.BinlogPosition> readOffset() {
        if (!Files.exists(offsetFile)) {
            return Optional.empty();
        }
        try {
            var n = JSON.readTree(offsetFile.toFile());
            return Optional.of(new MigrationSource.BinlogPosition(n.path("binlog_file").asText(), n.path("binlog_position").asLong()));
        } catch (IOException e) {
            throw new IllegalArgumentException(offsetFile + " is not a readable offset (" + e.getMessage() + "): use --restart to load again");
        }
    }

    private void writeOffset(MigrationSource.BinlogPosition p) {
        ObjectNode n = JSON.createObjectNode();
        Totals t = totals;
        n.put("binlog_file", p.file()).put("binlog_position", p.position()).put("transactions", t.transactions())
                .put("upserts", t.upserts()).put("deletes", t.deletes()).put("rejected", t.rejected());
        try {
            SyncedFiles.replace(offsetFile, JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(String text) {
        SyncedFiles.append(deadLetters, text);
    }
}
