package io.sluice.aws.events;

import java.util.List;

/**
 * What one S3 notification says, decoded by {@link ObjectEvents#notificationIn(String)}. Every variant tells the
 * handler what to do with the message that carried it: process the objects, acknowledge (test message, events other
 * than object creation), or dead-letter with the reason (OBJ-4).
 */
public sealed interface ObjectNotification {

    /** Created objects to process (OBJ-1), at least one. */
    record Objects(List<ObjectRef> objects) implements ObjectNotification {
        public Objects {
            objects = List.copyOf(objects);
            if (objects.isEmpty()) {
                throw new IllegalArgumentException("a notification of created objects names at least one");
            }
        }
    }

    /** The {@code s3:TestEvent} message S3 sends once when the notification is configured: nothing to process. */
    record TestEvent() implements ObjectNotification {
    }

    /** A well-formed event about something other than a created object (a deletion, a restore): acknowledge it. */
    record Ignored(String reason) implements ObjectNotification {
        public Ignored {
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    /** Not a notification that can be processed; the reason starts with the JSON path of the problem. */
    record Malformed(String reason) implements ObjectNotification {
        public Malformed {
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }
}
