//! The checked settings of a run, between the command line and the library: the layout and
//! the rules loaded once (built-in or from `--layout` / `--rules`), the report year and the
//! plan file. The library never sees clap's structs.

use crate::error::Result;
use crate::layout::Layout;
use crate::model::Year;
use crate::rules::Rules;
use std::path::{Path, PathBuf};

/// What a run reads besides its inputs, loaded and checked.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The layout in force (templates/layout.toml or `--layout`).
    pub layout: Layout,
    /// The calculation rules in force (templates/rules.toml or `--rules`).
    pub rules: Rules,
    /// `--year`: the report year, overriding (and checked against) the workbook's header.
    pub year: Option<Year>,
    /// `--plan`: a workbook with the full plan, to name items missing from every input.
    pub plan: Option<PathBuf>,
    /// The settings files read (`--layout`, `--rules`), never to be overwritten by an output.
    pub files: Vec<PathBuf>,
    /// `--prefer-newer`: of two inputs carrying the same item with different values, use the
    /// one saved later (W227) instead of reporting an error (E108).
    pub prefer_newer: bool,
}

impl Default for Settings {
    /// The built-in layout and rules, the year from the workbook, no plan.
    fn default() -> Settings {
        Settings {
            layout: Layout::builtin(),
            rules: Rules::builtin(),
            year: None,
            plan: None,
            files: Vec::new(),
            prefer_newer: false,
        }
    }
}

impl Settings {
    /// Loads the layout and rules files when given (the built-in ones otherwise).
    ///
    /// # Errors
    /// [`crate::error::Error::Settings`] when a file cannot be read or is not valid.
    pub fn load(layout: Option<&Path>, rules: Option<&Path>) -> Result<Settings> {
        Ok(Settings {
            layout: layout.map_or_else(|| Ok(Layout::builtin()), Layout::load)?,
            rules: rules.map_or_else(|| Ok(Rules::builtin()), Rules::load)?,
            year: None,
            plan: None,
            files: layout
                .into_iter()
                .chain(rules)
                .map(Path::to_path_buf)
                .collect(),
            prefer_newer: false,
        })
    }

    /// With the report year `year`.
    pub fn with_year(self, year: Option<Year>) -> Settings {
        Settings { year, ..self }
    }

    /// Every file the run reads besides its inputs: the settings files and the plan.
    pub fn reads(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().chain(&self.plan).map(PathBuf::as_path)
    }

    /// With the `--prefer-newer` rule for resubmissions.
    pub fn with_prefer_newer(self, prefer_newer: bool) -> Settings {
        Settings {
            prefer_newer,
            ..self
        }
    }

    /// With the plan file `plan`.
    pub fn with_plan(self, plan: Option<PathBuf>) -> Settings {
        Settings { plan, ..self }
    }
}
