//! The task graph itself: tasks and their "depends on" edges held in memory, cycles refused with
//! the cycle named, open prerequisites (what blocks a task) and slip chains (what slips with it).

use std::collections::{BTreeSet, HashMap};

use petgraph::graphmap::DiGraphMap;
use petgraph::Direction;

use super::Task;

/// Why a dependency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("task {0} does not exist")]
    UnknownTask(i64),
    #[error("a task cannot depend on itself (task {0})")]
    SelfDependency(i64),
    #[error("this dependency would close a cycle: {}", cycle.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(" → "))]
    Cycle { cycle: Vec<i64> },
}

/// Tasks and "depends on" edges, held in memory. An edge `a → b` means a waits for b.
#[derive(Debug, Clone, Default)]
pub struct TaskGraph {
    pub(super) tasks: HashMap<i64, Task>,
    pub(super) graph: DiGraphMap<i64, ()>,
}

impl TaskGraph {
    /// Builds the graph from stored tasks and `(task, depends_on)` pairs.
    pub fn build(tasks: Vec<Task>, dependencies: &[(i64, i64)]) -> TaskGraph {
        let mut graph = DiGraphMap::with_capacity(tasks.len(), dependencies.len());
        for task in &tasks {
            graph.add_node(task.id);
        }
        for &(task, prerequisite) in dependencies {
            graph.add_edge(task, prerequisite, ());
        }
        TaskGraph { tasks: tasks.into_iter().map(|t| (t.id, t)).collect(), graph }
    }

    pub fn task(&self, id: i64) -> Option<&Task> {
        self.tasks.get(&id)
    }

    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.values()
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Checks that `task` may depend on `prerequisite`; a cycle is refused with the cycle named.
    pub fn check_dependency(&self, task: i64, prerequisite: i64) -> Result<(), GraphError> {
        for id in [task, prerequisite] {
            if !self.tasks.contains_key(&id) {
                return Err(GraphError::UnknownTask(id));
            }
        }
        if task == prerequisite {
            return Err(GraphError::SelfDependency(task));
        }
        // A cycle exists if the prerequisite already waits (transitively) for the task.
        if let Some(path) = self.path(prerequisite, task) {
            let mut cycle = vec![task];
            cycle.extend(path);
            return Err(GraphError::Cycle { cycle });
        }
        Ok(())
    }

    /// Adds an edge after `check_dependency` accepted it.
    pub fn add_dependency(&mut self, task: i64, prerequisite: i64) -> Result<(), GraphError> {
        self.check_dependency(task, prerequisite)?;
        self.graph.add_edge(task, prerequisite, ());
        Ok(())
    }

    /// A path of "waits for" edges from `from` to `to`, both included, by breadth-first search.
    fn path(&self, from: i64, to: i64) -> Option<Vec<i64>> {
        let mut parent: HashMap<i64, i64> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(node) = queue.pop_front() {
            if node == to {
                let mut path = vec![to];
                let mut at = to;
                while let Some(&p) = parent.get(&at) {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            for next in self.graph.neighbors_directed(node, Direction::Outgoing) {
                if seen.insert(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// Open prerequisites of a task: while any exists, the task is blocked.
    pub fn open_prerequisites(&self, id: i64) -> Vec<i64> {
        let mut open: Vec<i64> = self
            .graph
            .neighbors_directed(id, Direction::Outgoing)
            .filter(|p| self.tasks.get(p).is_some_and(Task::is_open))
            .collect();
        open.sort_unstable();
        open
    }

    pub fn is_blocked(&self, id: i64) -> bool {
        !self.open_prerequisites(id).is_empty()
    }

    /// Every open task that waits, directly or through others, for `id`: what slips when it slips.
    pub fn slip_chain(&self, id: i64) -> Vec<i64> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(node) = stack.pop() {
            for dependent in self.graph.neighbors_directed(node, Direction::Incoming) {
                if seen.insert(dependent) {
                    stack.push(dependent);
                }
            }
        }
        seen.into_iter().filter(|t| self.tasks.get(t).is_some_and(Task::is_open)).collect()
    }

    /// Tasks that wait directly for `id`.
    pub fn dependents(&self, id: i64) -> Vec<i64> {
        let mut list: Vec<i64> = self.graph.neighbors_directed(id, Direction::Incoming).collect();
        list.sort_unstable();
        list
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn a_cycle_is_refused_with_the_cycle_named() {
        let tasks = (1..=3).map(|i| task(i, TaskKind::FollowUp, "2024-05-02", TaskStatus::Open)).collect();
        let mut graph = TaskGraph::build(tasks, &[(2, 1), (3, 2)]);
        assert_eq!(graph.add_dependency(1, 3), Err(GraphError::Cycle { cycle: vec![1, 3, 2, 1] }));
        assert_eq!(
            GraphError::Cycle { cycle: vec![1, 3, 2, 1] }.to_string(),
            "this dependency would close a cycle: #1 → #3 → #2 → #1"
        );
        assert_eq!(graph.add_dependency(1, 1), Err(GraphError::SelfDependency(1)));
        assert_eq!(graph.add_dependency(1, 9), Err(GraphError::UnknownTask(9)));
        assert!(graph.is_blocked(3));
        assert_eq!(graph.slip_chain(1), vec![2, 3]);
    }
}
