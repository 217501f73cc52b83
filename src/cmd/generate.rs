//! `depgov completions SHELL` and `depgov man`: generated from the clap definitions in
//! [`crate::cli`], so they always match the commands.

use std::path::Path;

use super::{Text, print};
use crate::error::{Error, exit};
use crate::util::paths::display_path;

pub fn completions(shell: clap_complete::Shell) -> Result<i32, Error> {
    let mut command = crate::cli::command();
    print(Text::Styled, |out| {
        clap_complete::generate(shell, &mut command, "depgov", out);
        Ok(())
    })?;
    Ok(exit::OK)
}

/// Prints depgov.1, or writes every command's page into `dir`.
pub fn man(dir: Option<&Path>) -> Result<i32, Error> {
    match dir {
        Some(dir) => {
            clap_mangen::generate_to(crate::cli::command(), dir).map_err(|source| Error::Write {
                path: display_path(dir),
                source,
            })?
        }
        None => {
            let man = clap_mangen::Man::new(crate::cli::command());
            print(Text::Styled, |out| man.render(out))?;
        }
    }
    Ok(exit::OK)
}
