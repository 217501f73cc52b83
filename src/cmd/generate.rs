//! `depgov completions SHELL` and `depgov man`: generated from the clap definitions in
//! [`crate::cli`], so they always match the commands.

use super::print;
use crate::error::{Error, exit};

pub fn completions(shell: clap_complete::Shell) -> Result<i32, Error> {
    let mut command = crate::cli::command();
    print(|out| {
        clap_complete::generate(shell, &mut command, "depgov", out);
        Ok(())
    })?;
    Ok(exit::OK)
}

pub fn man() -> Result<i32, Error> {
    let man = clap_mangen::Man::new(crate::cli::command());
    print(|out| man.render(out))?;
    Ok(exit::OK)
}
