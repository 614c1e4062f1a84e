# Forget the telemetry recorded so far and stop drawing; records are still kept while off.
torch::log_scalar loss 1.0
puts [torch::dashboard reset]
puts [torch::dashboard off]
torch::log_scalar loss 0.5
puts [torch::dashboard on]
puts [torch::dashboard cost]
