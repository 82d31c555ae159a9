// The fault layer's brain: holds the armed rules, decides at each call of a point whether a rule
// fires (its triggers match and its chain says so), counts matches and firings per rule, and
// carries out the actions that belong to the world (events, delays, hangs, ending the service)
// through FaultEffects. The wrappers around the seams (faulty_file_system.h, faulty_mta.h) and
// the engine's fault sites ask it; each carries out the action that belongs to its call.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "msmi/clock.h"
#include "msmi/event.h"
#include "msmi/fault_sites.h"
#include "msmi/random.h"
#include "msmisim/fault_rule.h"

namespace msmisim {

// What a call of a point is about. Fields that do not apply stay empty.
struct FaultSubject {
  std::string_view file;        // disk: "MBG/INQUEUE3.MBG"
  std::string_view message_id;  // the message the call is about, when known
  std::string_view sender;
  const std::vector<std::string>* recipients = nullptr;
  std::string_view subject;
  std::size_t size = 0;
  std::string_view msgkind;                                   // ipm, ndr, dirsync
  std::string_view address;                                   // engine.parse_address
  std::string_view sender_name;                               // the sender's display name
  const std::vector<std::string>* recipient_names = nullptr;  // "" for a recipient without one
  std::string_view reply_to;
  // The thread the call is about, when the caller knows it better than the scheduler does (a
  // worker being started by the service); -1: the thread the scheduler is running.
  int thread = -1;
};

// The world's side of the actions that are not the call's own.
class FaultEffects {
 public:
  virtual ~FaultEffects() = default;
  virtual void hang(int thread) = 0;
  // The MSMI process ends: silently, or with the SCM's 7034.
  virtual void end_service(bool logged) = 0;
  virtual void delay(std::int64_t us) = 0;
  virtual void write_event(int id, const std::vector<std::string>& strings) = 0;
  // The power goes: unsynced data is lost now, every later call fails until the server boots.
  // `where`: the point and the file (if any) of the call at which it happened.
  virtual void power_loss(const std::string& where) = 0;
  // mta.service: the Exchange MTA stops answering (a hang), or its process ends: silently, or
  // with the SCM's 7034. It stays down until an operator starts it.
  virtual void hang_mta() = 0;
  virtual void end_mta(bool logged) = 0;
};

struct FaultRuleStats {
  std::string rule;
  std::int64_t matches = 0;  // calls whose triggers matched
  std::int64_t fired = 0;    // … of which the chain made an action happen
};

class FaultInjector final : public msmi::FaultSites {
 public:
  // `clock`, `random` and `effects` must outlive the injector.
  FaultInjector(const msmi::Clock& clock, msmi::Random& random, FaultEffects& effects,
                std::string profile, std::vector<FaultRule> rules);

  // The action for this call of `point`, or nullptr when no rule fires. World-side parts of the
  // action (event, delay, hang, end of service) have been carried out already. Rules are tried
  // in order and the first one whose action changes the call wins; an event or a delay does not
  // change the call, so the rules after it are tried too (and it is not returned).
  const Action* evaluate(std::string_view point, const FaultSubject& subject);
  // A caller that asks about the same point on every call (a disk call) looks it up once:
  // kUnarmed if no rule names `point`, else a handle for evaluate_armed.
  static constexpr std::size_t kUnarmed = ~std::size_t{0};
  std::size_t point_handle(std::string_view point) const;
  // evaluate(point, subject) for the handle point_handle(point) gave (not kUnarmed).
  const Action* evaluate_armed(std::size_t handle, std::string_view point,
                               const FaultSubject& subject);
  // False when no rule of the armed point `handle` can match a call on the file `path`: each of
  // them asks for another kind of file (`kind=P1` at disk.read, and the call reads a KEY). Then
  // evaluate_armed would return nullptr, and this call has left what it would leave (no
  // last_rule()); a disk call asks this first and builds no subject. True otherwise.
  bool may_match_file(std::size_t handle, std::string_view path);
  // The rule whose action the last evaluate returned (nullptr when it returned none).
  const FaultRule* last_rule() const { return last_rule_; }

  // msmi::FaultSites: the engine's own sites.
  msmi::SiteVerdict at(const msmi::SiteContext& context) override;
  bool armed(msmi::Site site) const override;
  // Whether some rule names `point`: evaluate() at any other point returns nullptr at once.
  bool armed(std::string_view point) const;

  // Who is calling and in what state the world is, for the triggers.
  void set_thread_source(std::function<int()> source) { thread_source_ = std::move(source); }
  void set_service_source(std::function<bool()> running) { service_running_ = std::move(running); }
  // Every event written, for after_event.
  void note_event(int id) { seen_events_.insert(id); }

  bool empty() const { return rules_.empty(); }
  std::vector<FaultRuleStats> stats() const;
  // Every firing that could have cost a message, in order.
  const std::vector<FaultFiring>& firings() const { return firings_; }
  // Moves the firings out, leaving none: a long run hands them on as it goes.
  std::vector<FaultFiring> take_firings() { return std::exchange(firings_, {}); }

 private:
  struct Armed {
    FaultRule rule;
    std::size_t term = 0;         // the chain term in force
    std::int64_t term_fired = 0;  // firings of that term so far
    std::int64_t matches = 0;
    std::int64_t fired = 0;
  };
  // The thread a call is about, asked of the thread source only when a rule needs it.
  class LazyThread {
   public:
    LazyThread(const FaultInjector& injector, int given) : injector_(injector), thread_(given) {}
    int get() {
      if (thread_ < 0 && !asked_) {
        asked_ = true;
        if (injector_.thread_source_) thread_ = injector_.thread_source_();
      }
      return thread_;
    }

   private:
    const FaultInjector& injector_;
    int thread_;
    bool asked_ = false;
  };
  // Whether the triggers of `armed`, a rule naming `point`, hold for this call.
  bool matches(const Armed& armed, const FaultSubject& subject, LazyThread& thread) const;
  const Action* fire(Armed& armed, std::string_view point, const FaultSubject& subject, int thread);

  const msmi::Clock& clock_;
  msmi::Random& random_;
  FaultEffects& effects_;
  std::string profile_;
  std::vector<Armed> rules_;
  struct ArmedPoint {
    std::string point;
    std::vector<std::size_t> rules;  // indices into rules_ of the rules naming it, in order
    // When every one of those rules has a `kind=K` trigger: each rule's K (any case). A call
    // on a file of none of these kinds matches no rule of the point.
    std::vector<std::string> only_kinds;
  };
  // Every point some rule names; the rules of a point are tried without looking at the others.
  std::vector<ArmedPoint> armed_points_;
  const ArmedPoint* find_point(std::string_view point) const;
  std::function<int()> thread_source_;
  std::function<bool()> service_running_;
  std::set<int> seen_events_;
  std::vector<FaultFiring> firings_;
  const FaultRule* last_rule_ = nullptr;
};

// Whether the rule picks messages (sender~, subject~, msgkind=, …): at mta.read such a rule is
// about the message the read reaches, not about the MTA.
bool names_message(const FaultRule& rule);

// The file kind a trigger `kind=` matches: the folder for MAI/MA?/…, else the extension.
std::string file_kind(std::string_view path);

}  // namespace msmisim
