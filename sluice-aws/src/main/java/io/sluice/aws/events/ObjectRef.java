package io.sluice.aws.events;

import java.util.Objects;

/**
 * One created S3 object version, however its event arrived (S3 notification through SQS, or EventBridge). The key is
 * decoded; the ETag is stored without the quotes S3 puts around it in HTTP headers, so that one object version has one
 * {@link #identity()} whatever the source.
 *
 * @param versionId null when the bucket is not versioned; the literal version id {@code null}, which S3 gives every
 *                  object written while versioning is suspended, is stored as null too: it cannot tell two uploads
 *                  under one key apart, the ETag can
 * @param sequencer null when the event has none; orders events for the same key only
 * @param eventName {@code ObjectCreated:Put} and the like for S3 notifications; the detail type and reason, such as
 *                  {@code Object Created:PutObject}, for EventBridge
 * @param region    the bucket's region
 */
public record ObjectRef(String bucket, String key, long size, String eTag, String versionId, String sequencer,
                        String eventName, String region) {
    public ObjectRef {
        requireText(bucket, "bucket");
        requireText(key, "key");
        requireText(eventName, "eventName");
        requireText(region, "region");
        eTag = unquoted(Objects.requireNonNull(eTag, "eTag"));
        versionId = versionId == null || versionId.isEmpty() || versionId.equals("null") ? null : versionId;
        requireText(eTag, "eTag");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size + " for " + bucket + "/" + key);
        }
    }

    /**
     * The idempotency key of this object version (OBJ-2): {@code bucket/key@v:<versionId>}, or
     * {@code bucket/key@etag:<eTag>} in an unversioned bucket, where the ETag is what tells two uploads under one key
     * apart. Redeliveries of the same upload, through either route, give the same identity.
     */
    public String identity() {
        return bucket + "/" + key + "@" + (versionId != null ? "v:" + versionId : "etag:" + eTag);
    }

    private static String unquoted(String eTag) {
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"") ? eTag.substring(1, eTag.length() - 1) : eTag;
    }

    private static void requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
