#pragma once
// Random (version 4) UUIDs for WARC-Record-IDs, from the operating system's CSPRNG.

#include <string>

namespace dragnet {

// "urn:uuid:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
std::string NewUuidUrn();
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
std::string NewUuid();

}  // namespace dragnet
