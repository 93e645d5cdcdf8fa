//! QEMU monitor commands through libvirt (`virsh qemu-monitor-command`), for what libvirt
//! does not cover. libvirt marks a guest "tainted" once a command ran: it no longer vouches
//! for the guest's state matching its definition.

use serde_json::Value;

use crate::{Error, Guest, Result};

impl Guest {
    /// Runs a human monitor (HMP) command (`virsh qemu-monitor-command --hmp`), such as
    /// `info registers`, and returns QEMU's text answer. HMP has no error channel: an unknown
    /// command is answered in text.
    pub fn monitor_hmp(&self, command: &str) -> Result<String> {
        Ok(self.dom.qemu_monitor_command(command, virt::sys::VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP)?)
    }

    /// Runs a QMP command (`query-status`, with `arguments` when it takes any) and returns
    /// its `return` value; QEMU's refusal is [`Error::Monitor`] with QMP's class and reason.
    pub fn monitor_qmp(&self, execute: &str, arguments: Option<Value>) -> Result<Value> {
        let mut command = serde_json::json!({ "execute": execute });
        if let Some(arguments) = arguments {
            command["arguments"] = arguments;
        }
        let answer = self.monitor_qmp_raw(&command.to_string())?;
        let mut answer: Value = serde_json::from_str(&answer)
            .map_err(|e| Error::Invalid(format!("QEMU's answer to {execute} is not JSON ({e}): {answer}")))?;
        if let Some(error) = answer.get("error") {
            let field = |k: &str| error.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            return Err(Error::Monitor { class: field("class"), desc: field("desc") });
        }
        Ok(answer.get_mut("return").map(Value::take).unwrap_or(Value::Null))
    }

    /// Runs a QMP command given as its JSON text and returns QEMU's JSON answer as it came,
    /// errors included.
    pub fn monitor_qmp_raw(&self, command: &str) -> Result<String> {
        Ok(self.dom.qemu_monitor_command(command, virt::sys::VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT)?)
    }
}
