// The web UI's static files, compiled into the binary (no CDN, no fonts, works offline):
// one stylesheet (light and dark) and one small script that only enhances the server-rendered
// pages (search as you type, copy buttons, confirmation before a delete).
#pragma once

#include <string_view>

namespace ch::server::ui {

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// The asset named `name` ("ui.css", "ui.js"), or nullptr.
const Asset* find_asset(std::string_view name);

}  // namespace ch::server::ui
