package io.sluice.aws.objects;

import io.sluice.aws.events.ObjectRef;
import java.io.InputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Objects from S3, streamed. It asks for the exact version the event named, or, in an unversioned bucket, for
 * the content with the event's ETag ({@code If-Match}): an object overwritten since its event fails with 412
 * instead of being processed under the wrong identity; its own event will come.
 */
public final class S3ObjectSource implements ObjectSource {
    private final S3Client s3;

    public S3ObjectSource(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public InputStream open(ObjectRef o) {
        GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(o.bucket()).key(o.key());
        if (o.versionId() != null) {
            b.versionId(o.versionId());
        } else {
            b.ifMatch("\"" + o.eTag() + "\"");
        }
        return s3.getObject(b.build());
    }
}
