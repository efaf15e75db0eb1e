// Raw access to a ledger's RocksDB column families, for tests that tamper
// with a stored ledger. Only for closed ledgers (it takes the DB lock).
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ledger/internal/keys.h"

namespace paraphe::test {

class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfds;
    for (size_t i = 0; i < ledger::internal::kCfCount; ++i) {
      cfds.emplace_back(ledger::internal::kCfNames[i], rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* raw = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::DBOptions(), path.string(), cfds, &cfs_, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(raw);
  }
  ~RawDb() {
    for (auto* h : cfs_) db_->DestroyColumnFamilyHandle(h);
    (void)db_->Close();
  }
  std::string Get(size_t cf, const std::string& key) {
    std::string v;
    EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), cfs_[cf], key, &v).ok());
    return v;
  }
  void Put(size_t cf, const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put(rocksdb::WriteOptions(), cfs_[cf], key, value).ok());
  }
  void Delete(size_t cf, const std::string& key) {
    EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), cfs_[cf], key).ok());
  }
  // Deletes every entry of a column family; returns how many there were.
  int DeleteAll(size_t cf) {
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
    it.reset();
    for (const auto& k : keys) Delete(cf, k);
    return static_cast<int>(keys.size());
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
};

}  // namespace paraphe::test
