#include "lib/wire/marshal.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fabric::wire {

std::string MarshalDeterministic(const google::protobuf::MessageLite& message) {
  message.ByteSizeLong();  // caches the sizes SerializeWithCachedSizes reads
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
  }
  return out;
}

}  // namespace fabric::wire
