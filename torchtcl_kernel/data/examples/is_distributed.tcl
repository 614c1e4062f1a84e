# Wrap the model for data-parallel training only when the script runs inside a job.
torch::distributed_init
set model [torch::linear 6 2]
if {[torch::is_distributed]} { set model [torch::distributed_data_parallel $model] }
puts "distributed: [torch::isDistributed], model: $model"
