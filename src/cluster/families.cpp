#include "cluster/families.h"

#include "core/check.h"

#include <algorithm>
#include <numeric>
#include <span>
#include <unordered_set>

namespace kindred::cluster {

namespace {

class UnionFind {
 public:
  // Member lists are made only for sets that grow: most documents of a large
  // corpus stay alone, and a list each was a million allocations at 1M.
  explicit UnionFind(size_t n) : parent_(n), root_doc_(n), members_(n) {
    std::iota(parent_.begin(), parent_.end(), 0u);
    std::iota(root_doc_.begin(), root_doc_.end(), 0u);
  }
  uint32_t find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }
  // The family's original (root document), as opposed to the set's representative.
  uint32_t root_doc(uint32_t rep) const { return root_doc_[rep]; }
  // Calls f(member) for each member of the set `rep`, until f returns false;
  // returns whether it went through all of them.
  template <class F>
  bool all_members(uint32_t rep, F&& f) const {
    if (members_[rep].empty()) return f(rep);
    for (uint32_t m : members_[rep]) {
      if (!f(m)) return false;
    }
    return true;
  }
  void unite(uint32_t ra, uint32_t rb, uint32_t new_root_doc) {
    if (members_[ra].empty()) members_[ra] = {ra};
    if (members_[rb].empty()) members_[rb] = {rb};
    if (members_[ra].size() < members_[rb].size()) std::swap(ra, rb);  // small into large
    parent_[rb] = ra;
    root_doc_[ra] = new_root_doc;
    members_[ra].insert(members_[ra].end(), members_[rb].begin(), members_[rb].end());
    std::vector<uint32_t>().swap(members_[rb]);
  }

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> root_doc_;
  std::vector<std::vector<uint32_t>> members_;
};

double strength(const Link& l) {
  return std::max(l.overlap.containment_a_in_b(), l.overlap.containment_b_in_a());
}

}  // namespace

std::vector<Family> copy_families(std::span<const Link> links, std::span<const uint32_t> weight,
                                  std::vector<int32_t>& family_of, FamilyStats* stats) {
  const auto n = static_cast<uint32_t>(weight.size());
  FamilyStats st;
  std::vector<uint32_t> order(links.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const Link& a = links[x];
    const Link& b = links[y];
    if (a.relation != b.relation) return a.relation < b.relation;  // enum is strongest first
    return strength(a) > strength(b);
  });
  auto heavier = [&](uint32_t x, uint32_t y) {  // is x the better root?
    return weight[x] != weight[y] ? weight[x] > weight[y] : x < y;
  };

  std::unordered_set<uint64_t> linked;  // every verified pair, (min << 32 | max)
  linked.reserve(links.size() * 2);
  auto key = [](uint32_t x, uint32_t y) {
    return x < y ? (uint64_t{x} << 32) | y : (uint64_t{y} << 32) | x;
  };
  for (const Link& l : links) linked.insert(key(l.a, l.b));
  std::vector<bool> exact_follower(n, false);  // joined as an exact copy of a member
  // Would every member of the family `rep` (other than `root`) link to `root`?
  auto all_link_to = [&](UnionFind& uf, uint32_t rep, uint32_t root) {
    return uf.all_members(rep, [&](uint32_t m) {
      return m == root || exact_follower[m] || linked.count(key(m, root)) > 0;
    });
  };

  UnionFind uf(n);
  for (uint32_t idx : order) {
    const Link& l = links[idx];
    const uint32_t ra = uf.find(l.a), rb = uf.find(l.b);
    if (ra == rb) continue;
    const uint32_t root_a = uf.root_doc(ra), root_b = uf.root_doc(rb);
    const uint32_t new_root = heavier(root_a, root_b) ? root_a : root_b;
    if (l.relation == Relation::kExact) {
      // The lighter family joins through its exact copy; its members need no link to the root.
      uf.all_members(new_root == root_a ? rb : ra, [&](uint32_t m) {
        exact_follower[m] = true;
        return true;
      });
    } else {
      const bool joins_roots = l.a == root_a && l.b == root_b;
      const uint32_t other = new_root == root_a ? rb : ra;  // the family whose root steps down
      if (!joins_roots || !all_link_to(uf, other, new_root)) {
        ++st.links_withheld;
        continue;
      }
    }
    uf.unite(ra, rb, new_root);
    ++st.links_used;
  }

  // Families are the groups of two or more; singletons are not families.
  std::vector<uint32_t> size(n, 0);
  for (uint32_t d = 0; d < n; ++d) ++size[uf.find(d)];
  std::vector<int32_t> slot_of_rep(n, -1);
  std::vector<Family> families;
  for (uint32_t d = 0; d < n; ++d) {
    const uint32_t r = uf.find(d);
    if (size[r] < 2) continue;
    if (slot_of_rep[r] < 0) {
      slot_of_rep[r] = static_cast<int32_t>(families.size());
      families.emplace_back().root = uf.root_doc(r);
    }
    families[static_cast<size_t>(slot_of_rep[r])].members.push_back(d);
  }
  number_by_smallest_member(families);
  family_of.assign(n, -1);
  for (const Family& f : families) {
    for (uint32_t m : f.members) family_of[m] = static_cast<int32_t>(f.id);
  }
  if (stats) *stats = st;
  return families;
}

std::vector<uint32_t> root_weights(std::span<const std::optional<int64_t>> time,
                                   std::span<const uint32_t> shingles) {
  KINDRED_CHECK(time.size() == shingles.size(), "root_weights: columns of different lengths");
  std::vector<uint32_t> order(time.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    if (time[x] && time[y] && *time[x] != *time[y]) return *time[x] < *time[y];
    if (time[x].has_value() != time[y].has_value()) return time[x].has_value();
    return shingles[x] > shingles[y];
  });
  std::vector<uint32_t> weight(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    weight[order[i]] = static_cast<uint32_t>(order.size() - i);
  }
  return weight;
}

}  // namespace kindred::cluster
