// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vector>
#include <string>
#include <map>
#include <algorithm>

template <int N> struct Fib { static constexpr long value = Fib<N - 1>::value + Fib<N - 2>::value; };
template <> struct Fib<1> { static constexpr long value = 1; };
template <> struct Fib<0> { static constexpr long value = 0; };

static std::map<std::string, int>
count_words (const std::vector<std::string> &words)
{
  std::map<std::string, int> counts;
  for (const auto &w : words)
    counts[w]++;
  return counts;
}

int
main ()
{
  std::vector<std::string> words = { "a", "b", "a" };
  auto counts = count_words (words);
  std::sort (words.begin (), words.end ());
  return (int) (counts.size () + Fib<20>::value % 7);
}
