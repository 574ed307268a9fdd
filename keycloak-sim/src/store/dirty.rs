//! STUB until sim-core merge.
use crate::id::Id;
use std::collections::HashSet;
#[derive(Default)]
pub struct Dirty {
    pub settings: bool,
    pub users: HashSet<Id>,
    pub clients: HashSet<Id>,
    pub offline: HashSet<Id>,
    pub consents: HashSet<(Id, Id)>,
}
