//! Entities changed since the last journal flush.

use crate::id::Id;
use std::collections::HashSet;

#[derive(Default, Debug)]
pub struct Dirty {
    pub settings: bool,
    pub users: HashSet<Id>,
    pub clients: HashSet<Id>,
    pub consents: HashSet<(Id, Id)>,
    pub offline: HashSet<Id>,
}

impl Dirty {
    pub fn take(&mut self) -> Dirty {
        std::mem::take(self)
    }
}
