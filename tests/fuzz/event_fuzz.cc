// Fuzzes ledger::ParseEvent, the strict parser of the JSON payload every
// signed event carries. Invariants: a rejection is kInvalidArgument; an
// accepted event's canonical form (EventToJson) parses again, to an equal
// event whose canonical form is the same bytes (a fixed point), and its
// type name and kind agree.
#include <boost/json/serialize.hpp>

#include "ledger/domain/event.h"
#include "tests/fuzz/fuzz_util.h"

using namespace paraphe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::AsText(data, size);
  auto event = ledger::ParseEvent(in);
  if (!event.ok()) {
    FUZZ_CHECK_MSG(event.status().code() == StatusCode::kInvalidArgument,
                   event.status().ToString());
    return 0;
  }
  FUZZ_CHECK(ledger::EventTypeName(event->kind) == event->type);
  auto kind = ledger::EventTypeFromName(event->type);
  FUZZ_CHECK(kind.has_value() && *kind == event->kind);

  const std::string canonical = ledger::EventToJson(*event);
  auto again = ledger::ParseEvent(canonical);
  FUZZ_CHECK_MSG(again.ok(), again.status().ToString() + "\n" + canonical);
  FUZZ_CHECK_MSG(ledger::EventToJson(*again) == canonical, canonical);
  FUZZ_CHECK(again->type == event->type && again->kind == event->kind &&
             again->convention == event->convention &&
             again->expected_version == event->expected_version &&
             again->date == event->date &&
             again->actor_party == event->actor_party &&
             again->actor_role == event->actor_role);
  FUZZ_CHECK_MSG(again->data == event->data,
                 boost::json::serialize(again->data) + "\n" +
                     boost::json::serialize(event->data));
  return 0;
}
