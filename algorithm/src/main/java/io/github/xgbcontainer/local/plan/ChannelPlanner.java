package io.github.xgbcontainer.local.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.xgbcontainer.error.PlatformError;
import io.github.xgbcontainer.error.UserError;
import io.github.xgbcontainer.local.store.ObjectStores;
import io.github.xgbcontainer.local.store.StoreUri;
import io.github.xgbcontainer.local.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves each channel's objects: every object under an S3Prefix, or every entry of a manifest.
 * A channel without objects, a missing bucket or a bad manifest is a user error here, before any
 * host starts.
 *
 * <p>Manifest format: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html
 * — a JSON list whose first element is {@code {"prefix": "s3://bucket/prefix/"}} and whose other
 * elements are keys relative to it.
 */
public final class ChannelPlanner {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectStores stores;

  public ChannelPlanner(ObjectStores stores) {
    this.stores = stores;
  }

  public ChannelPlan plan(TrainingJobRequest.ChannelRequest channel) {
    List<ChannelObject> objects = channel.dataType() == TrainingJobRequest.DataType.S3_PREFIX
        ? prefix(channel) : manifest(channel);
    if (objects.isEmpty()) {
      throw new UserError("channel '" + channel.name() + "': no objects under " + channel.uri()
          + ": perhaps you should check S3Uri or upload the data first");
    }
    return new ChannelPlan(channel, objects.stream().sorted(Comparator.comparing(o -> o.uri().key())).toList());
  }

  private List<ChannelObject> prefix(TrainingJobRequest.ChannelRequest channel) {
    StoreUri prefix = channel.uri();
    // names are kept relative to the prefix's folder: s3://b/data/train/a.csv under "data/train/" is
    // a.csv; under "data/tr" it is train/a.csv
    int folder = prefix.key().lastIndexOf('/') + 1;
    List<ChannelObject> out = new ArrayList<>();
    for (StoredObject o : stores.forUri(prefix).list(prefix)) {
      out.add(new ChannelObject(o.uri(), o.size(), o.uri().key().substring(folder)));
    }
    return out;
  }

  private List<ChannelObject> manifest(TrainingJobRequest.ChannelRequest channel) {
    String at = "channel '" + channel.name() + "': manifest " + channel.uri();
    JsonNode root;
    try (InputStream in = stores.forUri(channel.uri()).open(channel.uri())) {
      root = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new UserError(at + " is not valid JSON (line " + e.getLocation().getLineNr() + "): "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PlatformError("cannot read " + channel.uri() + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isArray() || root.isEmpty() || !root.get(0).path("prefix").isTextual()) {
      throw new UserError(at + " must be a JSON list starting with {\"prefix\": \"s3://bucket/prefix/\"}, "
          + "followed by keys relative to that prefix");
    }
    StoreUri prefix = StoreUri.parse(at + ": prefix", root.get(0).get("prefix").asText());
    if (!prefix.scheme().equals(channel.uri().scheme())) {
      throw new UserError(at + ": prefix " + prefix + " must use the same scheme as the manifest");
    }
    Map<String, StoredObject> existing = new HashMap<>();
    for (StoredObject o : stores.forUri(prefix).list(prefix)) {
      existing.put(o.uri().key(), o);
    }
    List<ChannelObject> out = new ArrayList<>();
    for (int i = 1; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      if (!entry.isTextual() || entry.asText().isEmpty()) {
        throw new UserError(at + ": entry " + i + " must be a key relative to the prefix, not " + entry);
      }
      StoreUri uri = prefix.child(entry.asText());
      StoredObject found = existing.get(uri.key());
      if (found == null) {
        throw new UserError(at + ": entry " + i + " '" + entry.asText() + "' does not exist (" + uri
            + "): perhaps you should upload it or remove it from the manifest");
      }
      out.add(new ChannelObject(uri, found.size(), entry.asText()));
    }
    return out;
  }
}
