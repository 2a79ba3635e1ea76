// kindred: traces reused text through the news.
//
// The public API in one include. Stages (ingest, normalize, sketch, index,
// candidates, align, cluster, report) live under src/ with their own headers;
// front ends (cli/, and later server/, python/, distributed/) only call these.
#pragma once

#include "kindred/document.h"
#include "kindred/params.h"
#include "kindred/pipeline.h"
#include "kindred/results.h"
#include "kindred/status.h"
#include "kindred/version.h"
