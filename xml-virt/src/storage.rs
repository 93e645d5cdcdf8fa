//! Storage: pools of volumes (`virsh pool-*`) and their volumes (`virsh vol-*`), typed; volume
//! bytes in and out through libvirt streams (`vol-upload`, `vol-download`), so the daemon's
//! host may be another machine.

use std::io::{Read, Write};

use xml_model::generated::storagepool::Pool;
use xml_model::generated::storagevol::Volume;
use xml_model::XmlDocument;

use crate::{Connection, Error, Result};

/// A storage pool of a connection.
pub struct StoragePool {
    pool: virt::storage_pool::StoragePool,
}

/// A volume of a storage pool: an image file, a logical volume, a disk partition.
pub struct StorageVolume {
    vol: virt::storage_vol::StorageVol,
}

impl std::fmt::Debug for StoragePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoragePool").field("name", &self.pool.name().ok()).finish()
    }
}

impl std::fmt::Debug for StorageVolume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageVolume").field("path", &self.vol.path().ok()).finish()
    }
}

/// A pool's state (`virStoragePoolState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolState {
    /// Defined, not started.
    Inactive,
    /// Being built.
    Building,
    /// Started: its volumes can be used.
    Running,
    /// Started, but some of it is unusable.
    Degraded,
    /// Started, but its storage cannot be reached.
    Inaccessible,
    /// A state this library does not know (a newer libvirt).
    Unknown,
}

/// A pool's state and sizes (`virsh pool-info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolInfo {
    /// Whether it runs.
    pub state: PoolState,
    /// Its size, in bytes.
    pub capacity: u64,
    /// What its volumes take, in bytes.
    pub allocation: u64,
    /// What is free, in bytes.
    pub available: u64,
}

impl Connection {
    /// Defines (or redefines) a persistent storage pool, as `virsh pool-define`. A pool of the
    /// same name keeps its UUID. The pool is not built or started: see
    /// [`StoragePool::build`] and [`StoragePool::start`]. One that fails `validate()` is not
    /// sent ([`Error::Rejected`](crate::Error::Rejected)).
    pub fn define_pool(&self, pool: &Pool) -> Result<StoragePool> {
        crate::error::validated(pool)?;
        let xml = pool.to_xml();
        let name = xml_model::diff::domain_name(&xml).unwrap_or_default();
        let xml = match self.find_pool(&name)? {
            Some(existing) => crate::apply::with_uuid_of(&xml, &existing.pool.uuid_string()?)?,
            None => xml,
        };
        Ok(StoragePool { pool: self.conn.define_storage_pool_xml(&xml, 0)? })
    }

    /// Looks a storage pool up by name.
    pub fn pool(&self, name: &str) -> Result<StoragePool> {
        Ok(StoragePool { pool: self.conn.lookup_storage_pool_by_name(name)? })
    }

    /// Looks a storage pool up by name; `None` when there is none of that name.
    pub fn find_pool(&self, name: &str) -> Result<Option<StoragePool>> {
        crate::error::found(self.pool(name), "NoStoragePool")
    }

    /// Every storage pool, started or not, with its state, sorted by name (`virsh
    /// pool-list --all`).
    pub fn pools(&self) -> Result<Vec<(String, PoolState)>> {
        let mut out = Vec::new();
        for pool in self.conn.list_all_storage_pools(0)? {
            let pool = StoragePool { pool };
            // One undefined since the listing (by another client) is not listed.
            if let Some(info) = crate::error::found(pool.info(), "NoStoragePool")? {
                out.push((pool.name()?, info.state));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

impl StoragePool {
    /// Its name.
    pub fn name(&self) -> Result<String> {
        Ok(self.pool.name()?)
    }

    /// Makes its storage (`virsh pool-build`): for a `dir` pool, the directory.
    pub fn build(&self) -> Result<()> {
        Ok(self.pool.build(0)?)
    }

    /// Starts it (`virsh pool-start`): its volumes become usable.
    pub fn start(&self) -> Result<()> {
        Ok(self.pool.create(0)?)
    }

    /// Stops it (`virsh pool-destroy`); its storage and volumes stay.
    pub fn destroy(&self) -> Result<()> {
        Ok(self.pool.destroy()?)
    }

    /// Removes its storage (`virsh pool-delete`): for a `dir` pool, the (empty) directory.
    pub fn delete(&self) -> Result<()> {
        Ok(self.pool.delete(0)?)
    }

    /// Removes its persistent definition (`virsh pool-undefine`).
    pub fn undefine(&self) -> Result<()> {
        Ok(self.pool.undefine()?)
    }

    /// Looks at its storage again for volumes made outside libvirt (`virsh pool-refresh`).
    pub fn refresh(&self) -> Result<()> {
        Ok(self.pool.refresh(0)?)
    }

    /// Whether it runs.
    pub fn is_active(&self) -> Result<bool> {
        Ok(self.pool.is_active()?)
    }

    /// Marks it to start with the host, or not (`virsh pool-autostart [--disable]`).
    pub fn set_autostart(&self, on: bool) -> Result<()> {
        Ok(self.pool.set_autostart(on)?)
    }

    /// Whether it starts with the host.
    pub fn autostart(&self) -> Result<bool> {
        Ok(self.pool.autostart()?)
    }

    /// Its state and sizes (`virsh pool-info`).
    pub fn info(&self) -> Result<PoolInfo> {
        let info = self.pool.info()?;
        let state = match info.state {
            virt::sys::VIR_STORAGE_POOL_INACTIVE => PoolState::Inactive,
            virt::sys::VIR_STORAGE_POOL_BUILDING => PoolState::Building,
            virt::sys::VIR_STORAGE_POOL_RUNNING => PoolState::Running,
            virt::sys::VIR_STORAGE_POOL_DEGRADED => PoolState::Degraded,
            virt::sys::VIR_STORAGE_POOL_INACCESSIBLE => PoolState::Inaccessible,
            _ => PoolState::Unknown,
        };
        Ok(PoolInfo { state, capacity: info.capacity, allocation: info.allocation, available: info.available })
    }

    /// Its definition, typed (`virsh pool-dumpxml`).
    pub fn dumpxml(&self) -> Result<Pool> {
        crate::error::typed(&self.pool.xml_desc(0)?)
    }

    /// Creates a volume in it (`virsh vol-create`), for instance
    /// `Volume::image("data.qcow2", ScaledInteger::gib(8), FormatType::Qcow2)`. One that fails
    /// `validate()` is not sent ([`Error::Rejected`](crate::Error::Rejected)).
    pub fn create_volume(&self, volume: &Volume) -> Result<StorageVolume> {
        crate::error::validated(volume)?;
        Ok(StorageVolume { vol: virt::storage_vol::StorageVol::create_xml(&self.pool, &volume.to_xml(), 0)? })
    }

    /// Looks a volume of it up by name.
    pub fn volume(&self, name: &str) -> Result<StorageVolume> {
        Ok(StorageVolume { vol: self.pool.lookup_storage_vol_by_name(name)? })
    }

    /// Its volumes, sorted by name (`virsh vol-list`).
    pub fn volumes(&self) -> Result<Vec<StorageVolume>> {
        let mut out: Vec<(String, StorageVolume)> = Vec::new();
        for vol in self.pool.list_all_volumes(0)? {
            out.push((vol.name()?, StorageVolume { vol }));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out.into_iter().map(|(_, v)| v).collect())
    }
}

impl StorageVolume {
    /// Its name in the pool.
    pub fn name(&self) -> Result<String> {
        Ok(self.vol.name()?)
    }

    /// Where it is on the daemon's host (a file or device path).
    pub fn path(&self) -> Result<String> {
        Ok(self.vol.path()?)
    }

    /// Its size and what it takes on the host, in bytes.
    pub fn capacity_and_allocation(&self) -> Result<(u64, u64)> {
        let info = self.vol.info()?;
        Ok((info.capacity, info.allocation))
    }

    /// Its definition, typed (`virsh vol-dumpxml`).
    pub fn dumpxml(&self) -> Result<Volume> {
        crate::error::typed(&self.vol.xml_desc(0)?)
    }

    /// Deletes it and its storage (`virsh vol-delete`).
    pub fn delete(&self) -> Result<()> {
        Ok(self.vol.delete(0)?)
    }

    /// Writes `length` bytes read from `data` into it from its start (`virsh vol-upload`),
    /// through a libvirt stream. On an error the stream is aborted and libvirt reports it;
    /// what was written before stays.
    pub fn upload(&self, mut data: impl Read, length: u64) -> Result<()> {
        let conn = self.vol.connect()?;
        let stream = virt::stream::Stream::new(&conn, 0)?;
        self.vol.upload(&stream, 0, length, 0)?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut left = length;
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = match data.read(&mut buf[..want]) {
                Ok(0) => {
                    let _ = stream.abort();
                    return Err(Error::Invalid(format!("upload: the data ended {left} bytes short of {length}")));
                }
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = stream.abort();
                    return Err(Error::Invalid(format!("upload: reading the data failed: {e}")));
                }
            };
            let mut sent = 0;
            while sent < n {
                sent += usize::try_from(stream.send(&buf[sent..n])?).unwrap_or(0);
            }
            left -= n as u64;
        }
        Ok(stream.finish()?)
    }

    /// Reads all of it, from its start, into `out` (`virsh vol-download`), through a
    /// libvirt stream; returns how many bytes came.
    pub fn download(&self, mut out: impl Write) -> Result<u64> {
        let conn = self.vol.connect()?;
        let stream = virt::stream::Stream::new(&conn, 0)?;
        self.vol.download(&stream, 0, 0, 0)?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = usize::try_from(stream.recv(&mut buf)?).unwrap_or(0);
            if n == 0 {
                break;
            }
            if let Err(e) = out.write_all(&buf[..n]) {
                let _ = stream.abort();
                return Err(Error::Invalid(format!("download: writing the data failed: {e}")));
            }
            total += n as u64;
        }
        stream.finish()?;
        Ok(total)
    }
}
