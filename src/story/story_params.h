// Story: the StoryParams a run's Params ask for (the story_* parameters; the
// others keep StoryParams' defaults). Every front end builds them here.
#pragma once

#include "kindred/params.h"
#include "story/stories.h"

namespace kindred::story {

inline StoryParams story_params(const Params& p) {
  StoryParams sp;
  sp.link = p.story_link;
  sp.cohesion = p.story_cohesion;
  sp.time_window_days = p.story_window_days;
  return sp;
}

}  // namespace kindred::story
